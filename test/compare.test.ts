import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

/** Two real runs, the second against the same server made five times slower: compare must catch it. */
describe('compare: baseline vs current', () => {
  let delayMs = 5;
  let server: TestServer;
  let other: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startServer((req, res, body) => fixedDelay(delayMs)(req, res, body));
    other = await startServer(fixedDelay(5));
    dir = tempDir();
    for (const [delay, file] of [
      [5, 'baseline.json'],
      [25, 'current.json'],
    ] as const) {
      delayMs = delay;
      const run = await runCli([
        'run',
        '--url',
        `${server.url}/p`,
        '--rate',
        '50',
        '--duration',
        '3s',
        '--out',
        join(dir, file),
        '-q',
      ]);
      expect(run.code, run.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await other?.close();
  });

  it('an identical pair passes', async () => {
    const run = await runCli(['compare', join(dir, 'baseline.json'), join(dir, 'baseline.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('PASS  no regression beyond budget');
    // Every run keeps a latency histogram per second, for the run and per request: compare bootstraps over them.
    const r = readResult(join(dir, 'baseline.json'));
    expect(r.histograms.timeseries).toHaveLength(r.timeseries.length);
    for (const series of Object.values(r.histograms.timeseriesByScope ?? { none: [] }))
      expect(series).toHaveLength(r.timeseries.length);
  });

  it('a slowed-down run fails with exit 1 and names the metrics that regressed', async () => {
    const md = join(dir, 'compare.md');
    const run = await runCli(['compare', join(dir, 'baseline.json'), join(dir, 'current.json'), '--markdown', md]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/run\s+p90\s+[\d.]+ ms\s+[\d.]+ ms\s+\+\d+\.\d% ± \d+\.\d%\s+\+10%\s+✗ REGRESSION/);
    expect(run.stdout).toMatch(/FAIL {2}\d+ regressions: .*run p90/);
    // 150 requests cannot bound a p99 from above: shown, not judged.
    expect(run.stdout).toMatch(/run\s+p99\s.*too few samples to judge/);
    expect(readFileSync(md, 'utf8')).toContain('❌ regression');
  });

  it('results of another target or scenario are refused (exit 2, naming both) unless --force', async () => {
    const elsewhere = join(dir, 'elsewhere.json');
    const run = await runCli([
      'run',
      '--url',
      `${other.url}/p`,
      '--rate',
      '20',
      '--duration',
      '1s',
      '--out',
      elsewhere,
      '-q',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const refused = await runCli(['compare', join(dir, 'baseline.json'), elsewhere]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(dir, 'baseline.json')} and ${elsewhere} are runs of different`);
    expect(refused.stderr).toContain('--force');
    const forced = await runCli(['compare', join(dir, 'baseline.json'), elsewhere, '--force']);
    expect(forced.code, forced.stderr).not.toBe(2);
    expect(forced.stdout).toContain('verdict');
  });

  it('budgets can be overridden per metric', async () => {
    const off = ['p50', 'p90', 'p95', 'p99', 'mean'].flatMap((m) => ['--max-regression', `${m}=off`]);
    const run = await runCli(['compare', join(dir, 'baseline.json'), join(dir, 'current.json'), ...off]);
    expect(run.code, run.stdout).toBe(0);
    const bad = await runCli([
      'compare',
      join(dir, 'baseline.json'),
      join(dir, 'current.json'),
      '--max-regression',
      'p42=5%',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-regression "p42=5%"');
  });

  it('a foreign or newer-schema file is exit 2, naming the file', async () => {
    const foreign = join(dir, 'k6-summary.json');
    writeFileSync(foreign, JSON.stringify({ metrics: { http_req_duration: {} } }));
    const a = await runCli(['compare', foreign, join(dir, 'current.json')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${foreign}: not a backend-bench result`);
    const future = join(dir, 'future.json');
    writeFileSync(
      future,
      JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')), schemaVersion: 99 }),
    );
    const b = await runCli(['compare', join(dir, 'baseline.json'), future]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${future}: result schemaVersion 99`);
  });
});
