import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort, fixedDelay, startServer, type TestServer } from './support/servers.js';

/**
 * An output that fails (a collector that is down, a Pushgateway that refuses, a /metrics port in use) is a
 * warning in the summary and in the result, and the run ends promptly; --strict-outputs makes it exit 3.
 */
describe('outputs fail loudly', () => {
  let server: TestServer;
  let taken: Server;
  let takenPort = 0;
  beforeAll(async () => {
    server = await startServer(fixedDelay(2));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await server?.close();
  });

  const load = (): string[] => [
    'run',
    '--url',
    `${server.url}/x`,
    '--rate',
    '20',
    '--duration',
    '1s',
    '--no-default-slos',
  ];

  it('an unreachable OTLP collector: a warning in the summary and the result, a bounded end, exit 0', async () => {
    const out = join(tempDir(), 'r.json');
    const dead = await closedPort();
    const began = Date.now();
    const run = await runCli([...load(), '--otlp', `http://127.0.0.1:${dead}`, '--out', out, '-q'], {
      env: { OTEL_METRIC_EXPORT_INTERVAL: '500' },
    });
    const tookMs = Date.now() - began;
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings?.[0]).toMatch(
      new RegExp(`^otlp: export to http://127\\.0\\.0\\.1:${dead}/v1/metrics failed: .*ECONNREFUSED`),
    );
    expect(run.stdout).toContain('⚠ an output failed (--strict-outputs makes this exit 3):');
    expect(run.stdout).toContain(`otlp: export to http://127.0.0.1:${dead}/v1/metrics failed`);
    // 1 s of load, start-up, and at most 2 s of final delivery: not the old ~7 s of retries.
    expect(tookMs).toBeLessThan(7000);
  }, 30_000);

  it('a result file that cannot be written is exit 3 without --strict-outputs; the other files are still written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const junit = join(dir, 'junit.xml');
    const run = await runCli([...load(), '--out', join(dir, 'not-a-dir', 'r.json'), '--junit', junit, '-q']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/warning: json: failed \(.*not-a-dir/);
    expect(run.stderr).toMatch(/backend-bench: the json output could not be written/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite/);
  }, 30_000);

  it('--strict-outputs: the same failure is exit 3, after the result is written', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      ...load(),
      '--otlp',
      `http://127.0.0.1:${await closedPort()}`,
      '--strict-outputs',
      '--out',
      out,
      '-q',
    ]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/backend-bench: --strict-outputs: an output failed: otlp: export to .* failed/);
    expect(readResult(out).warnings).toHaveLength(1);
  }, 30_000);

  it('a Pushgateway that refuses and a /metrics port in use: one warning each, in the result; exit 3 when strict', async () => {
    const out = join(tempDir(), 'r.json');
    const gw = `http://127.0.0.1:${await closedPort()}`;
    const args = [...load(), '--pushgateway', gw, '--prometheus', `127.0.0.1:${takenPort}`, '--out', out, '-q'];
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(0);
    const warnings = readResult(out).warnings ?? [];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(`prometheus: cannot listen on 127.0.0.1:${takenPort} (EADDRINUSE): no /metrics`);
    expect(warnings[1]).toMatch(new RegExp(`^pushgateway: push to ${gw.replace(/\./g, '\\.')} failed: .*ECONNREFUSED`));
    const strict = await runCli([...args, '--strict-outputs']);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stderr).toContain('--strict-outputs: an output failed: prometheus: cannot listen on');
    expect(strict.stderr).toContain('(and 1 more)');
  }, 30_000);

  it('a Pushgateway that accepts and never answers: the push timed out, named as such, within the bound', async () => {
    const silent = createTcpServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const gw = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const out = join(tempDir(), 'r.json');
      const began = Date.now();
      const run = await runCli([...load(), '--pushgateway', gw, '--out', out, '-q']);
      const tookMs = Date.now() - began;
      expect(run.code, run.stderr).toBe(0);
      const warnings = readResult(out).warnings ?? [];
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^pushgateway: push to ${gw.replace(/\./g, '\\.')} failed: .*timed out`));
      expect(run.stdout).toContain(`pushgateway: push to ${gw} failed`);
      expect(tookMs).toBeLessThan(7000);
    } finally {
      silent.close();
    }
  }, 30_000);

  it('merge --strict-outputs is offered, and a merge whose outputs work exits as before', async () => {
    const dir = tempDir();
    const shard = await runCli([...load(), '--out', join(dir, 's.json'), '-q']);
    expect(shard.code, shard.stderr).toBe(0);
    const merged = await runCli(['merge', join(dir, 's.json'), '--strict-outputs', '--out', join(dir, 'm.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(readResult(join(dir, 'm.json')).warnings).toBeUndefined();
  }, 30_000);
});
