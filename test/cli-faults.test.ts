import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort, fixedDelay, startServer, type TestServer } from './support/servers.js';

describe('faults: the run goes on, errors are counted by kind, the result is written', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('an unreachable target: connection refused counted, result written, SLO on errors exits 1', async () => {
    const port = await closedPort();
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      `http://127.0.0.1:${port}/`,
      '--rate',
      '50',
      '--duration',
      '2s',
      '--slo',
      'error_rate < 1%',
      '--out',
      out,
    ]);
    expect(run.code).toBe(1);
    const r = readResult(out);
    expect(r.errorsByKind.connect_refused).toBe(r.metrics.requests);
    expect(r.metrics.requests).toBeGreaterThanOrEqual(95);
    expect(r.metrics.errorRate).toBe(1);
    expect(r.slos[0]).toMatchObject({ expr: 'error_rate < 1%', pass: false, value: 1 });
    expect(Object.keys(r.errorSamples).join()).toMatch(/ECONNREFUSED/);
    expect(run.stdout).toMatch(/connect_refused\s+\d+/);
    expect(run.stdout).toMatch(/FAIL\s+1 of 1 SLOs failed/);
  });

  it('a server that resets connections: connect_reset counted, no crash', async () => {
    server = await startServer((req) => req.socket.destroy());
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', '--url', server.url, '--connections', '2', '--duration', '1s', '--out', out]);
    // No SLOs given: the default budget (error_rate < 1%) fails the run, as it must when every request fails.
    expect(run.code, run.stderr).toBe(1);
    const r = readResult(out);
    expect(r.metrics.requests).toBeGreaterThan(10);
    expect(r.errorsByKind.connect_reset).toBe(r.metrics.errors);
    expect(r.metrics.errors).toBe(r.metrics.requests);
  });

  it('a server that stalls past the timeout: timeouts counted with the time waited', async () => {
    server = await startServer(() => undefined); // never answers
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      server.url,
      '--rate',
      '20',
      '--duration',
      '1s',
      '--timeout',
      '300ms',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(1); // the default SLOs fail: every request timed out
    const r = readResult(out);
    expect(r.errorsByKind.timeout).toBe(r.metrics.requests);
    expect(r.metrics.requests).toBe(20);
    expect(r.metrics.latencyMs.p50).toBeGreaterThanOrEqual(300);
    expect(r.metrics.latencyMs.p50).toBeLessThan(1000);
  });

  it('unexpected status and failed checks are counted as their own kinds', async () => {
    server = await startServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end('{"id": 7}');
    });
    const dir = tempDir();
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `target: ${server.url}
load: { connections: 1, duration: 1s }
requests:
  - { name: missing, path: /missing }
  - { name: bad-check, path: /ok, checks: [{ jsonPath: id, equals: 8 }] }
  - { name: good, path: /ok, expect: { status: 200 }, checks: [{ jsonPath: $.id, equals: 7 }, { header: content-type, contains: json }] }
`,
    );
    const out = join(dir, 'r.json');
    const run = await runCli(['run', file, '--out', out]);
    expect(run.code, run.stderr).toBe(1); // the default error_rate < 1% fails: two requests of three fail
    const r = readResult(out);
    expect(r.slos.map((v) => [v.expr, v.pass, v.default])).toEqual([
      ['p95 < 200ms', true, true],
      ['error_rate < 1%', false, true],
    ]);
    expect(r.byRequest.missing?.errorRate).toBe(1);
    expect(r.byRequest['bad-check']?.errorRate).toBe(1);
    expect(r.byRequest.good?.errors).toBe(0);
    expect(r.errorsByKind.status).toBe(r.byRequest.missing?.requests);
    expect(r.errorsByKind.check).toBe(r.byRequest['bad-check']?.requests);
    expect(Object.keys(r.errorSamples).join('\n')).toMatch(/check: check failed: jsonPath id is 7, expected 8/);
  });

  it('a malformed response is malformed_response at once, not a timeout; a JSONPath that cannot match exits 2', async () => {
    // Whitespace before the colon (RFC 9112 §5.1): once read until close, so every request timed out.
    const sockets = new Set<Socket>();
    const raw = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi'));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`;
      const dir = tempDir();
      const out = join(dir, 'r.json');
      const run = await runCli([
        'run',
        '--url',
        url,
        '--rate',
        '20',
        '--duration',
        '1s',
        '--timeout',
        '5s',
        '--out',
        out,
      ]);
      expect(run.code, run.stderr).toBe(1); // the default error_rate < 1% fails: every response is malformed
      const r = readResult(out);
      expect(r.metrics.requests).toBe(20);
      expect(r.errorsByKind.malformed_response).toBe(20);
      expect(r.errorsByKind.timeout).toBe(0);
      expect(r.metrics.latencyMs.max).toBeLessThan(1000);
      expect(run.stdout).toMatch(/malformed_response\s+20/);

      const file = join(dir, 's.yaml');
      writeFileSync(
        file,
        `target: ${url}\nload: { rate: 1, duration: 1s }\nrequests:\n  - { path: /, checks: [{ jsonPath: "$.a[", exists: true }] }\n`,
      );
      const invalid = await runCli(['run', file]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(/s\.yaml:4:\d+ requests\[0\]\.checks\[0\]\.jsonPath: not a valid JSONPath/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('Ctrl-C stops within two seconds and still writes the result, marked interrupted', async () => {
    server = await startServer(fixedDelay(5));
    const out = join(tempDir(), 'r.json');
    let sentAt = 0;
    const run = await runCli(['run', '--url', server.url, '--rate', '100', '--duration', '60s', '--out', out], {
      onSpawn: (pid) =>
        setTimeout(() => {
          sentAt = Date.now();
          process.kill(pid, 'SIGINT');
        }, 2500),
    });
    const stoppedAfter = Date.now() - sentAt;
    expect(stoppedAfter).toBeLessThan(2000);
    expect(run.code).toBe(130);
    const r = readResult(out);
    expect(r.interrupted).toBe(true);
    expect(r.metrics.requests).toBeGreaterThan(100);
    expect(r.metrics.errors).toBe(0);
    expect(run.stdout).toMatch(/interrupted: partial result/);
  });

  it('an SLO with abortOnFail stops the run early, after its grace period', async () => {
    server = await startServer(fixedDelay(60));
    const dir = tempDir();
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `target: ${server.url}
load: { rate: 50, duration: 30s }
requests: [{ path: / }]
slos:
  - { expr: "p95 < 20ms", abortOnFail: true, grace: 2s }
`,
    );
    const out = join(dir, 'r.json');
    const started = Date.now();
    const run = await runCli(['run', file, '--out', out]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    const r = readResult(out);
    expect(r.abortedBy).toBe('p95 < 20ms');
    expect(r.durationMs).toBeGreaterThanOrEqual(2000);
    expect(r.durationMs).toBeLessThan(6000);
    expect(r.interrupted).toBe(false);
  });

  it('secrets never leak: Authorization values and URL credentials are redacted', async () => {
    server = await startServer(fixedDelay(1));
    const out = join(tempDir(), 'r.json');
    const url = server.url.replace('http://', 'http://alice:hunter2@');
    const run = await runCli([
      'run',
      '--url',
      url,
      '--rate',
      '10',
      '--duration',
      '1s',
      '--header',
      'Authorization: Bearer s3cr3t-token',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    // The server did receive the real header: redaction is for display only.
    expect(server.seen.at(-1)?.authorization).toBe('Bearer s3cr3t-token');
    const everything = `${run.stdout}${run.stderr}${JSON.stringify(readResult(out))}`;
    expect(everything).not.toContain('s3cr3t-token');
    expect(everything).not.toContain('hunter2');
  });
});
