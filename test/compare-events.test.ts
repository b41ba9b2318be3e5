import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

/**
 * compare on event runs: two real runs on the demo broker, the second with a consumer slower than the publish rate
 * (30 ms per message at 50/s), so messages queue behind it. The demo broker's latencies mean nothing about a real
 * broker; here they only need to differ between the two runs.
 */
describe('compare: event runs', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = tempDir();
    for (const [name, delay] of [
      ['baseline', '0ms'],
      ['current', '30ms'],
    ] as const) {
      writeFileSync(
        file(`${name}.yaml`),
        `name: compare-events
events:
  broker: demo
  drain: 5s
  queues:
    - { name: orders, queue: orders, consumers: 1, prefetch: 10, processingDelay: ${delay} }
load: { rate: 50, duration: 2s }
`,
      );
      const run = await runCli(['run', file(`${name}.yaml`), '--out', file(`${name}.json`), '-q']);
      expect(run.code, run.stderr).toBe(0);
    }
  }, 60_000);

  it('a slower consumer fails the compare (exit 1), naming the e2e percentiles that regressed', async () => {
    const run = await runCli(['compare', file('baseline.json'), file('current.json')]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /run\s+e2e_p50\s+[\d.]+ ms\s+[\d.]+(?: ms|s)\s+\+\d+\.\d% ± \d+\.\d%\s+\+10%\s+✗ REGRESSION/,
    );
    // 100 messages cannot bound a p99 from above.
    expect(run.stdout).toMatch(/run\s+e2e_p99\s.*\+15%\s+too few samples to judge/);
    expect(run.stdout).toMatch(/run\s+lost\s+0\s+0\s+±0\s+\+0\s+within noise/);
    expect(run.stdout).toMatch(/FAIL {2}\d+ regressions?: .*run e2e_p50/);
  });

  it('e2e budgets can be overridden or switched off', async () => {
    const off = ['e2e_p50', 'e2e_p90', 'e2e_p95', 'e2e_p99'].flatMap((m) => ['--max-regression', `${m}=off`]);
    // The publish side is switched off too: a run whose drain lasts longer has a lower rate over its whole length.
    const latency = ['p50', 'p90', 'p95', 'p99', 'mean', 'rps'].flatMap((m) => ['--max-regression', `${m}=off`]);
    const run = await runCli(['compare', file('baseline.json'), file('current.json'), ...off, ...latency]);
    expect(run.code, run.stdout).toBe(0);
    const generous = await runCli([
      'compare',
      file('baseline.json'),
      file('current.json'),
      '--max-regression',
      // Far past any change the histograms can hold (1 µs to about a second: 10^8 %), whatever the demo's latencies.
      'e2e_p50=1000000000%',
    ]);
    expect(generous.stdout).toMatch(/run\s+e2e_p50\s.*\+1000000000%\s+within noise/);
  });

  it('messages lost that the baseline did not lose are a regression; a count budget is a number of messages', async () => {
    const result = JSON.parse(readFileSync(file('current.json'), 'utf8')) as { events: { lost: number } };
    result.events.lost = 3;
    writeFileSync(file('lossy.json'), JSON.stringify(result));
    const off = ['e2e_p50', 'e2e_p90', 'e2e_p95', 'e2e_p99'].flatMap((m) => ['--max-regression', `${m}=off`]);
    const run = await runCli(['compare', file('baseline.json'), file('lossy.json'), ...off]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/run\s+lost\s+0\s+3\s+\+3\s+\+0\s+✗ REGRESSION/);
    const allowed = await runCli([
      'compare',
      file('baseline.json'),
      file('lossy.json'),
      ...off,
      '--max-regression',
      'lost=5',
    ]);
    expect(allowed.stdout).toMatch(/run\s+lost\s+0\s+3\s+\+3\s+\+5\s+within noise/);
    const bad = await runCli(['compare', file('baseline.json'), file('lossy.json'), '--max-regression', 'lost=5%']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lost counts messages: give a number');
  });
});
