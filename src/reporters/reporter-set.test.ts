import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../result/run-result.js';
import type { LiveUpdate, Reporter, RunStart } from './reporter.js';
import { OutputWarnings } from './output-warnings.js';
import { ReporterSet } from './reporter-set.js';

const start = { runId: 'r1', scenario: 's' } as RunStart;
const update = (elapsedMs: number): LiveUpdate => ({ elapsedMs }) as LiveUpdate;
const result = { runId: 'r1' } as RunResult;

/** Records what it heard, in order; each interval takes `ms` to handle. */
class SlowReporter implements Reporter {
  readonly name = 'slow';
  readonly heard: string[] = [];
  constructor(private readonly ms: number) {}
  async onInterval(u: LiveUpdate): Promise<void> {
    this.heard.push(`interval ${u.elapsedMs} begun`);
    await delay(this.ms);
    this.heard.push(`interval ${u.elapsedMs} done`);
  }
  onEnd(): void {
    this.heard.push('end');
  }
}

function collectWarnings(): { warnings: string[]; warn: OutputWarnings } {
  const warnings: string[] = [];
  return { warnings, warn: new OutputWarnings((line) => warnings.push(line)) };
}

describe('ReporterSet', () => {
  it('hands intervals over at once and in order, and awaits a slow reporter before onEnd', async () => {
    const slow = new SlowReporter(40);
    const set = new ReporterSet([slow], new OutputWarnings());
    const began = performance.now();
    set.interval(update(1000));
    set.interval(update(2000));
    set.interval(update(3000));
    // The load loop is not held up: three slow intervals were handed over in far less than one takes.
    expect(performance.now() - began).toBeLessThan(30);
    expect(slow.heard).toEqual(['interval 1000 begun', 'interval 2000 begun', 'interval 3000 begun']);
    await set.end(result);
    expect(slow.heard.slice(3)).toEqual(['interval 1000 done', 'interval 2000 done', 'interval 3000 done', 'end']);
  });

  it('reports a reporter that throws once, by name, skips it from then on, and serves the others', async () => {
    const calls: string[] = [];
    const broken: Reporter = {
      name: 'prometheus',
      onInterval: () => {
        calls.push('broken interval');
        throw new Error('registry full');
      },
      onEnd: () => void calls.push('broken end'),
    };
    const healthy: Reporter = {
      name: 'json',
      onInterval: (u) => void calls.push(`healthy ${u.elapsedMs}`),
      onEnd: () => void calls.push('healthy end'),
    };
    const { warnings, warn } = collectWarnings();
    const set = new ReporterSet([broken, healthy], warn);
    await set.start(start);
    set.interval(update(1000));
    set.interval(update(2000));
    await set.end(result);
    expect(calls).toEqual(['broken interval', 'healthy 1000', 'healthy 2000', 'healthy end']);
    expect(warnings).toEqual([
      'backend-bench: warning: prometheus: failed (registry full); the run goes on without it',
    ]);
  });

  it('reports a rejected onInterval once, even behind a slow predecessor, and skips the reporter after it', async () => {
    let n = 0;
    const rejecting: Reporter = {
      name: 'otlp',
      onInterval: async () => {
        n += 1;
        await delay(n === 1 ? 30 : 0);
        if (n >= 2) throw new Error('collector down');
      },
      onEnd: () => {
        throw new Error('onEnd must not be called after a failure');
      },
    };
    const { warnings, warn } = collectWarnings();
    const set = new ReporterSet([rejecting], warn);
    set.interval(update(1000));
    set.interval(update(2000));
    set.interval(update(3000));
    await set.end(result);
    expect(warnings).toEqual(['backend-bench: warning: otlp: failed (collector down); the run goes on without it']);
  });

  it('goes on when onStart or onEnd fails, naming the output', async () => {
    const { warnings, warn } = collectWarnings();
    const ended: string[] = [];
    const set = new ReporterSet(
      [
        { name: 'html', onStart: () => Promise.reject(new Error('no disk')), onEnd: () => void ended.push('html') },
        { name: 'junit', onEnd: () => Promise.reject(new Error('cannot write x.xml')) },
        { name: 'markdown', onEnd: () => void ended.push('markdown') },
      ],
      warn,
    );
    await set.start(start);
    await set.end(result);
    expect(ended).toEqual(['markdown']);
    expect(warnings).toEqual([
      'backend-bench: warning: html: failed (no disk); the run goes on without it',
      'backend-bench: warning: junit: failed (cannot write x.xml); the run goes on without it',
    ]);
  });
});

describe('ReporterSet at the end of a run', () => {
  it('lets exporters deliver before any onEnd, and hands every reporter the result with their failures in it', async () => {
    const order: string[] = [];
    const seen: (string[] | undefined)[] = [];
    const { warnings, warn } = collectWarnings();
    const pushgateway: Reporter = {
      name: 'prometheus',
      deliver: async () => {
        await delay(10);
        order.push('push');
        warn.add('pushgateway', 'push to http://127.0.0.1:9 failed: ECONNREFUSED');
      },
      onEnd: (r) => void seen.push(r.warnings),
    };
    const json: Reporter = { name: 'json', onEnd: (r) => void (order.push('json'), seen.push(r.warnings)) };
    const set = new ReporterSet([json, pushgateway], warn);
    const final = await set.end(result);
    expect(order).toEqual(['push', 'json']);
    expect(final.warnings).toEqual(['pushgateway: push to http://127.0.0.1:9 failed: ECONNREFUSED']);
    expect(seen).toEqual([final.warnings, final.warnings]);
    expect(warnings).toHaveLength(1);
  });

  it('waits for deliveries at most the bound, then reports without the one still going', async () => {
    const { warn } = collectWarnings();
    const hung: Reporter = { name: 'otlp', deliver: () => delay(5000), onEnd: () => undefined };
    const set = new ReporterSet([hung], warn, 100);
    const began = performance.now();
    const final = await set.end(result);
    expect(performance.now() - began).toBeLessThan(1000);
    expect(final.warnings).toEqual(['otlp: did not finish within 0.1 s at the end']);
  });

  it('adds no warnings field when every output worked', async () => {
    const final = await new ReporterSet([{ name: 'json', onEnd: () => undefined }], new OutputWarnings()).end(result);
    expect(final).toBe(result);
    expect('warnings' in final).toBe(false);
  });
});
