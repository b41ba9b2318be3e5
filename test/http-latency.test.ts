import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, stalling, startServer, type TestServer } from './support/servers.js';

/**
 * The engine's figures checked against servers whose behaviour we know. These are correctness tests
 * with generous bounds, not benchmarks: speed is proven by `npm run bench`.
 */
describe('HTTP load: measured latency matches the server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('open model at 200 rps for 5 s against a 20 ms server: ~1000 requests, p50 20–26 ms, no errors', async () => {
    server = await startServer(fixedDelay(20));
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', '--url', `${server.url}/x`, '--rate', '200', '--duration', '5s', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.model).toBe('open');
    expect(r.metrics.requests).toBeGreaterThanOrEqual(990);
    expect(r.metrics.requests).toBeLessThanOrEqual(1001);
    expect(r.metrics.errors).toBe(0);
    expect(r.metrics.dropped).toBe(0);
    expect(r.metrics.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect(r.metrics.latencyMs.p50).toBeLessThanOrEqual(26);
    // The server counted what we counted.
    expect(server.counts.get('GET /x')).toBe(r.metrics.requests);
    expect(r.timeseries.length).toBeGreaterThanOrEqual(5);
  });

  it('closed model with 10 connections against a 20 ms server: about 500 rps', async () => {
    server = await startServer(fixedDelay(20));
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', '--url', server.url, '--connections', '10', '--duration', '4s', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.model).toBe('closed');
    // 10 connections / 20 ms = 500 rps at best; timers and scheduling cost a little.
    expect(r.metrics.rps).toBeGreaterThan(400);
    expect(r.metrics.rps).toBeLessThanOrEqual(505);
    expect(r.metrics.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect(r.metrics.latencyMs.p50).toBeLessThan(30);
  });

  it('a server that stalls 500 ms every 2 s: the open model shows the stall, the closed model hides it', async () => {
    server = await startServer(stalling(2000, 500));
    const dir = tempDir();
    const open = await runCli([
      'run',
      '--url',
      server.url,
      '--rate',
      '200',
      '--duration',
      '6s',
      '--out',
      join(dir, 'open.json'),
    ]);
    // The default budget (p95 < 200ms) sees the stall in the open model: 15 % of arrivals wait over 200 ms.
    expect(open.code, open.stderr).toBe(1);
    const closed = await runCli([
      'run',
      '--url',
      server.url,
      '--connections',
      '4',
      '--duration',
      '6s',
      '--out',
      join(dir, 'closed.json'),
    ]);
    expect(closed.code, closed.stderr).toBe(0); // ... and misses it in the closed model, as the README explains
    const o = readResult(join(dir, 'open.json'));
    const c = readResult(join(dir, 'closed.json'));
    // Open: a quarter of arrivals land in a stall and wait up to 500 ms, measured from their intended start.
    expect(o.metrics.latencyMs.p99).toBeGreaterThan(300);
    expect(o.metrics.latencyMs.max).toBeGreaterThan(400);
    // Closed: each connection waits out the stall once and records one slow sample among thousands
    // (coordinated omission): the p99 stays small although the server stopped for a quarter of the time.
    expect(c.metrics.latencyMs.p99).toBeLessThan(50);
    expect(c.metrics.latencyMs.max).toBeGreaterThan(400);
  });
});
