import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { validateScenario } from '../scenario/load.js';
import { planScenario } from '../scenario/plan.js';
import { checkScale, isLocalTarget, runScale, workerCount, workerShortfall } from './scale.js';

const plan = (
  load: Record<string, unknown>,
  extra: Record<string, unknown> = { target: 'http://10.0.0.5:8080', requests: [{ path: '/' }] },
) => planScenario(validateScenario({ load, ...extra }, 'test'));

describe('worker threads and shards of a run', () => {
  it('defaults to every core, one less when the target shares the machine', () => {
    const open = plan({ rate: 100, duration: '1s' });
    expect(workerCount(open, 'http://10.0.0.5:8080', {}, Infinity, 8)).toBe(8);
    for (const local of ['http://127.0.0.1:3000', 'http://localhost/', 'http://[::1]:80', 'http://127.8.9.1/']) {
      expect(isLocalTarget(local)).toBe(true);
      expect(workerCount(open, local, {}, Infinity, 8)).toBe(7);
    }
    expect(workerCount(open, 'http://127.0.0.1', {}, Infinity, 1)).toBe(1);
    expect(workerCount(open, 'http://127.0.0.1', { workers: 3 }, Infinity, 8)).toBe(3);
  });

  it('never runs more open-model threads than the CPUs it may use, and says so; the closed model is not capped', () => {
    const open = plan({ rate: 100, duration: '1s' });
    expect(workerCount(open, 'http://10.0.0.5', { workers: 4 }, Infinity, 1)).toBe(1);
    expect(workerCount(open, 'http://10.0.0.5', { workers: 4 }, Infinity, 2)).toBe(2);
    expect(workerShortfall(open, { workers: 4 }, 1, 1)).toBe(
      '--workers 4: this process may use 1 CPU, so the open model runs 1 worker thread (threads sharing a core start requests late)',
    );
    expect(workerShortfall(open, { workers: 4 }, 2, 2)).toMatch(
      /may use 2 CPUs, so the open model runs 2 worker threads/,
    );
    // As many as asked, left to the machine, or fewer for want of data rows: nothing to say.
    expect(workerShortfall(open, { workers: 2 }, 2, 2)).toBeUndefined();
    expect(workerShortfall(open, {}, 1, 1)).toBeUndefined();
    expect(workerShortfall(open, { workers: 8 }, 3, 8)).toBeUndefined();
    const closed = plan({ connections: 10, duration: '1s' });
    expect(workerCount(closed, 'http://10.0.0.5', { workers: 4 }, Infinity, 1)).toBe(4);
    expect(workerShortfall(closed, { workers: 4 }, 4, 1)).toBeUndefined();
  });

  it('starts no thread without a connection or a data row of its own', () => {
    const closed = plan({ connections: 10, duration: '1s' });
    expect(workerCount(closed, 'http://10.0.0.5', { workers: 16 }, Infinity, 16)).toBe(10);
    // Shard 3 of 4 holds 2 of the 10 connections.
    expect(workerCount(closed, 'http://10.0.0.5', { workers: 16, shard: { index: 2, count: 4 } }, Infinity, 16)).toBe(
      2,
    );
    expect(workerCount(plan({ rate: 50, duration: '1s' }), 'http://10.0.0.5', { workers: 8 }, 3, 8)).toBe(3);
  });

  it('keeps flows and events in one thread, and refuses to shard them', () => {
    const flows = plan(
      { rate: 1, duration: '1s' },
      { services: { api: { url: 'http://10.0.0.5' } }, flows: [{ name: 'f', steps: [{ service: 'api', path: '/' }] }] },
    );
    expect(workerCount(flows, 'http://10.0.0.5', {}, Infinity, 8)).toBe(1);
    expect(() => workerCount(flows, 'http://10.0.0.5', { workers: 2 }, Infinity, 8)).toThrow(InputError);
    expect(() => checkScale(flows, { shard: { index: 0, count: 2 } })).toThrow(/only request scenarios can be split/);
    expect(() => checkScale(flows, { shard: { index: 0, count: 1 } })).not.toThrow();
  });

  it('reads --shard and --workers, and hands workers only the flags that shape a plan', () => {
    // What commander hands over for `run`: the plan flags among the others (output, terminal).
    const options = { shard: '2/4', workers: '3', rate: '50', quiet: true, out: 'r.json' };
    const scale = runScale('x.yaml', options);
    expect(scale).toEqual({
      shard: { index: 1, count: 4 },
      workers: 3,
      source: { file: 'x.yaml', flags: { rate: '50' } },
    });
    expect(() => runScale(undefined, { workers: '0' })).toThrow(/--workers "0"/);
    expect(() => runScale(undefined, { workers: '1.5' })).toThrow(InputError);
  });
});
