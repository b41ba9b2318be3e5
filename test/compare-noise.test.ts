import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, readResult, runCli, tempDir } from './support/cli.js';
import { jitteryDelay, startServer, type TestServer } from './support/servers.js';

/**
 * The gate must not cry wolf: identical short runs against a jittery server (10–30 ms, random) never regress,
 * pair after pair; the same server made 20 % slower does. (Its service times are well above compare's 1 ms
 * noise floor and the timers' millisecond grain, so a 20 % shift is 2–6 ms at every percentile.)
 */
describe('compare tells noise from change', () => {
  let scale = 1;
  let server: TestServer;
  let dir: string;
  const run = async (file: string, duration = '2s'): Promise<string> => {
    const out = join(dir, file);
    const r = await runCli([
      'run',
      '--url',
      `${server.url}/p`,
      '--rate',
      '100',
      '--duration',
      duration,
      '--out',
      out,
      '-q',
      // The gate under test is compare's; a busy machine's p95 must not fail the run's own default SLOs first.
      '--no-default-slos',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return out;
  };
  const compare = (a: string, b: string): Promise<CliRun> => runCli(['compare', a, b]);

  beforeAll(async () => {
    server = await startServer(jitteryDelay(10, 30, () => scale));
    dir = tempDir();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('four pairs of identical runs: no regression in any pair', async (ctx) => {
    // 4 s a run (400 requests): the p50 of 10–30 ms uniform then has a standard error of about 0.5 ms, so its 10 %
    // budget (2 ms) is about 2.8 standard errors of a pair's difference. With 2 s runs it was 2: in CI one pair
    // in four read +12.9 % at p50 (19.5 → 22.0 ms) with an interval just clear of zero, and failed.
    const codes: (number | null)[] = [];
    for (let pair = 0; pair < 4; pair++) {
      const a = await run(`a${pair}.json`, '4s');
      const b = await run(`b${pair}.json`, '4s');
      // A saturated generator says the machine was busy, and the server under test shares it: such a pair can
      // differ for real (a starved server measured 33 → 82 ms at p95), so it proves nothing either way.
      if ([a, b].some((f) => readResult(f).generator.saturated)) continue;
      const r = await compare(a, b);
      expect(r.stdout).not.toContain('REGRESSION');
      codes.push(r.code);
    }
    if (codes.length === 0) ctx.skip('the load generator was saturated in every pair: this machine is too busy');
    expect(codes.every((c) => c === 0)).toBe(true);
  }, 90_000);

  it('a pair whose second server is 20 % slower fails with exit 1', async (ctx) => {
    // A saturated generator measures itself (compare then judges no latency): on a machine too busy for that,
    // one more pair is tried, then the test says why it proves nothing rather than pass or fail on noise.
    for (let attempt = 0; attempt < 2; attempt++) {
      const a = await run(`base${attempt}.json`, '3s');
      scale = 1.2;
      const b = await run(`slow${attempt}.json`, '3s');
      scale = 1;
      if ([a, b].some((f) => readResult(f).generator.saturated)) continue;
      const r = await compare(a, b);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/run\s+p9[05]\s+[\d.]+ ms\s+[\d.]+ ms\s+\+\d+\.\d% ± \d+\.\d%\s+\+10%\s+✗ REGRESSION/);
      return;
    }
    ctx.skip('the load generator was saturated in every attempt: this machine is too busy to measure a 20 % shift');
  }, 40_000);
});
