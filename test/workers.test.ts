import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

/** Paths "GET /r/<seq>/<row>" the server answered, as [seq, row] pairs. */
function seqRows(server: TestServer): [number, string][] {
  const out: [number, string][] = [];
  for (const [key, n] of server.counts) {
    const m = /^GET \/r\/(\d+)\/(\w+)$/.exec(key);
    if (m !== null) for (let i = 0; i < n; i++) out.push([Number(m[1]), m[2] as string]);
  }
  return out;
}

describe('--workers: load from worker threads, merged exactly in the main thread', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('open model over 2 workers (CI has 2 CPUs: the open model runs no more threads than that): every scheduled start once, distinct {{seq}}, CSV rows split between workers', async () => {
    server = await startServer(fixedDelay(2));
    const dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), `id\n${['a', 'b', 'c', 'd', 'e', 'f'].join('\n')}\n`);
    writeFileSync(
      join(dir, 's.yaml'),
      `target: ${server.url}\nload: { rate: 300, duration: 2s }\ndata: { file: rows.csv }\nrequests: [{ path: "/r/{{seq}}/{{row.id}}" }]\n`,
    );
    const out = join(dir, 'r.json');
    const run = await runCli(['run', join(dir, 's.yaml'), '--workers', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.metrics.requests).toBe(600);
    expect(r.metrics.errors).toBe(0);
    const seen = seqRows(server);
    expect(seen.length).toBe(600);
    // seq = k·2 + worker: together exactly 0..599, each once.
    expect(seen.map(([seq]) => seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    // Worker w (seq % 2) sends rows w, w+2 and w+4 only: rows never cross workers.
    const rowsOf = (w: number): string[] =>
      [...new Set(seen.filter(([seq]) => seq % 2 === w).map(([, row]) => row))].sort();
    expect([rowsOf(0), rowsOf(1)]).toEqual([
      ['a', 'c', 'e'],
      ['b', 'd', 'f'],
    ]);
    expect(run.stderr).not.toMatch(/note: --workers/);
    // The live series saw the merged target rate.
    expect(r.timeseries.some((p) => Math.abs(p.targetRate - 300) < 1)).toBe(true);
  });

  it('open model on one CPU: --workers 2 runs one thread and says why, with every start made', async () => {
    server = await startServer(fixedDelay(1));
    const out = join(tempDir(), 'r.json');
    const args = ['run', '--url', `${server.url}/x`, '--rate', '100', '--duration', '2s', '--workers', '2'];
    const run = await runCli([...args, '--out', out], { cpus: '0' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'note: --workers 2: this process may use 1 CPU, so the open model runs 1 worker thread (threads sharing a core start requests late)',
    );
    expect(readResult(out).metrics.requests).toBe(200);
    expect(server.counts.get('GET /x')).toBe(200);
  });

  it('closed model over 2 workers: connections split, counts equal the server, the series sums the workers', async () => {
    server = await startServer(fixedDelay(10));
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      `${server.url}/x`,
      '--connections',
      '5',
      '--duration',
      '2s',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(server.counts.get('GET /x')).toBe(r.metrics.requests);
    expect(r.timeseries.reduce((sum, p) => sum + p.requests, 0)).toBe(r.metrics.requests);
    // 5 connections / ~10 ms: at most 500 rps.
    expect(r.metrics.rps).toBeGreaterThan(200);
    expect(r.metrics.rps).toBeLessThanOrEqual(510);
    expect(Math.max(...r.timeseries.map((p) => p.inFlight))).toBe(5);
    expect(r.metrics.latencyMs.p50).toBeGreaterThanOrEqual(10);
    expect(r.generator.cpuPercent).toBeGreaterThan(0);
  });

  it('Ctrl-C stops every worker within two seconds and the merged result is written', async () => {
    server = await startServer(fixedDelay(5));
    const out = join(tempDir(), 'r.json');
    let sentAt = 0;
    const run = await runCli(
      ['run', '--url', server.url, '--rate', '200', '--duration', '60s', '--workers', '2', '--out', out],
      {
        onSpawn: (pid) =>
          setTimeout(() => {
            sentAt = Date.now();
            process.kill(pid, 'SIGINT');
          }, 2500),
      },
    );
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(run.code).toBe(130);
    const r = readResult(out);
    expect(r.interrupted).toBe(true);
    expect(r.metrics.requests).toBeGreaterThan(150);
    expect(server.counts.get('GET /')).toBeGreaterThanOrEqual(r.metrics.requests);
  });

  it('an abortOnFail SLO sees the merged figures and stops the workers', async () => {
    server = await startServer(fixedDelay(40));
    const dir = tempDir();
    writeFileSync(
      join(dir, 's.yaml'),
      `target: ${server.url}\nload: { rate: 100, duration: 30s }\nrequests: [{ path: / }]\nslos:\n  - { expr: "p95 < 20ms", abortOnFail: true, grace: 1s }\n`,
    );
    const out = join(dir, 'r.json');
    const started = Date.now();
    const run = await runCli(['run', join(dir, 's.yaml'), '--workers', '2', '--out', out]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    const r = readResult(out);
    expect(r.abortedBy).toBe('p95 < 20ms');
    expect(r.metrics.latencyMs.p95).toBeGreaterThanOrEqual(40);
    expect(r.sloSpecs).toEqual([{ expr: 'p95 < 20ms', abortOnFail: true, graceMs: 1000, minSamples: 0 }]);
  });

  it('bad --workers values exit 2 with a one-line reason', async () => {
    const run = await runCli([
      'run',
      '--url',
      'http://127.0.0.1:9/',
      '--rate',
      '1',
      '--duration',
      '1s',
      '--workers',
      'two',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--workers "two": expected a whole number/);
  });
});
