import { describe, expect, it } from 'vitest';
import { validateScenario } from '../scenario/load.js';
import { planScenario } from '../scenario/plan.js';
import { checkOpenFiles, parseLimits } from './open-files.js';

const plan = (load: Record<string, unknown>): ReturnType<typeof planScenario> =>
  planScenario(validateScenario({ target: 'http://127.0.0.1:1', load, requests: [{ path: '/' }] }, 'test'));

describe('open-files check', () => {
  it('reads the soft and hard limits from /proc/self/limits', () => {
    const text =
      'Max processes   100  200  processes\nMax open files            1024                 524288               files\n';
    expect(parseLimits(text)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseLimits('Max open files  unlimited unlimited files')).toEqual({ soft: Infinity, hard: Infinity });
    expect(parseLimits('nothing here')).toBeUndefined();
  });

  it('refuses connections that cannot fit, naming the limit and how to raise it; passes what fits', () => {
    const files = { limit: 256, hard: 4096, open: 20 };
    expect(() => checkOpenFiles(plan({ connections: 1000, duration: '1s' }), undefined, files)).toThrow(
      /1000 connections need about 1052 open files, more than the open-files limit of 256 \(`ulimit -n`\): raise it with `ulimit -n 1052`/,
    );
    expect(() => checkOpenFiles(plan({ rate: 10, maxInFlight: 500, duration: '1s' }), undefined, files)).toThrow(
      /500 requests in flight \(maxInFlight\) need about 552 open files/,
    );
    expect(() => checkOpenFiles(plan({ connections: 200, duration: '1s' }), undefined, files)).not.toThrow();
    expect(() => checkOpenFiles(plan({ rate: 10, duration: '1s' }), undefined, files)).not.toThrow();
    // Shards open only their share.
    expect(() =>
      checkOpenFiles(plan({ connections: 1000, duration: '1s' }), { index: 0, count: 8 }, files),
    ).not.toThrow();
    expect(() => checkOpenFiles(plan({ connections: 1000, duration: '1s' }), undefined, undefined)).not.toThrow();
  });

  it('says the hard limit must be raised first when it is below what is needed', () => {
    const files = { limit: 256, hard: 256, open: 20 };
    expect(() => checkOpenFiles(plan({ connections: 1000, duration: '1s' }), undefined, files)).toThrow(
      /raise the hard limit/,
    );
  });
});
