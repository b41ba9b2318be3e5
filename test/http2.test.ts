import { writeFileSync } from 'node:fs';
import { constants } from 'node:http2';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { makePki, type TestPki } from './support/certs.js';
import { type H2ServerOptions, type H2TestServer, startH2Server } from './support/h2-server.js';

const dir = tempDir('bb-h2-');
let pki: TestPki;
let server: H2TestServer | undefined;

beforeAll(async () => {
  pki = await makePki(dir);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: H2ServerOptions): Promise<H2TestServer> {
  server = await startH2Server(options);
  return server;
}

/** Runs a scenario against `url` with HTTP/2 (trusting the test CA); returns the result and the CLI run. */
async function runH2(name: string, url: string, load: Record<string, unknown>, requests: unknown[] = [{ path: '/x' }]) {
  const file = join(dir, `${name}.json`);
  const out = join(dir, `${name}-result.json`);
  const scenario = { name, target: { url, http: 2, tls: { ca: 'ca.pem' } }, load, requests };
  writeFileSync(file, JSON.stringify(scenario));
  const run = await runCli(['run', file, '--quiet', '--workers', '1', '--no-default-slos', '--out', out]);
  return { run, result: readResult(out) };
}

describe.each([
  ['h2 over TLS', true],
  ['h2c (prior knowledge)', false],
])('%s', (_label, tls) => {
  it('runs 4 connections × 10 streams as 4 sessions with up to 40 concurrent streams', async () => {
    const s = await serve({ ...(tls && { tls: pki.server }), delayMs: 20 });
    const { run, result } = await runH2('closed', s.url, { connections: 4, streams: 10, duration: '2s' });
    expect(run.code, run.stderr).toBe(0);
    expect(s.sessions).toBe(4);
    expect(s.maxConcurrent).toBeLessThanOrEqual(40);
    expect(s.maxConcurrent).toBeGreaterThan(10);
    expect(result.metrics.errors).toBe(0);
    expect(result.metrics.requests).toBeGreaterThan(40 * 20);
    expect(result.connections?.target?.protocol).toBe('h2');
    expect(run.stdout).toMatch(/Connections\n target h2 /);
  });

  it('starts the open model on schedule (count within 1% of rate × duration)', async () => {
    const s = await serve({ ...(tls && { tls: pki.server }), delayMs: 2 });
    const { run, result } = await runH2('open', s.url, { rate: 200, duration: '2s' });
    expect(run.code, run.stderr).toBe(0);
    expect(result.metrics.requests).toBeGreaterThanOrEqual(396);
    expect(result.metrics.requests).toBeLessThanOrEqual(404);
    expect(s.streams).toBe(result.metrics.requests);
    expect(s.sessions).toBeLessThanOrEqual(4);
  });
});

describe('HTTP/2 limits and failures', () => {
  it('judges checks and templates as on HTTP/1.1', async () => {
    const s = await serve({ tls: pki.server });
    const { run, result } = await runH2('checks', s.url, { connections: 1, streams: 4, duration: '1s' }, [
      {
        name: 'good',
        path: '/a/{{seq}}',
        checks: [
          { jsonPath: 'ok', equals: true },
          { header: 'content-type', contains: 'json' },
        ],
      },
      { name: 'bad', path: '/b', checks: [{ jsonPath: 'ok', equals: false }] },
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(result.byRequest.good?.errors).toBe(0);
    expect(result.byRequest.bad?.errors).toBe(result.byRequest.bad?.requests);
    expect(result.errorsByKind.check).toBe(result.byRequest.bad?.requests);
    expect(result.byRequest.good?.requests).toBeGreaterThan(20);
  });

  it("never opens more streams than the server's SETTINGS_MAX_CONCURRENT_STREAMS", async () => {
    const s = await serve({ tls: pki.server, delayMs: 10, maxConcurrentStreams: 5 });
    const { run, result } = await runH2('capped', s.url, { connections: 1, streams: 20, duration: '1s' });
    expect(run.code, run.stderr).toBe(0);
    expect(s.maxConcurrent).toBeLessThanOrEqual(5);
    expect(result.metrics.errors).toBe(0);
  });

  it('counts streams reset by the server by code, and goes on', async () => {
    const s = await serve({
      tls: pki.server,
      intercept: (stream, n) => {
        if (n % 3 === 0) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        else if (n % 5 === 0) stream.close(constants.NGHTTP2_ENHANCE_YOUR_CALM);
        return n % 3 === 0 || n % 5 === 0;
      },
    });
    const { run, result } = await runH2('reset', s.url, { connections: 2, streams: 4, duration: '1s' });
    expect(run.code, run.stderr).toBe(0);
    const e = result.errorsByKind;
    expect(e.h2_rst_internal_error).toBeGreaterThan(10);
    expect(e.h2_rst_other).toBeGreaterThan(5);
    expect(e.h2_rst_internal_error + e.h2_rst_other).toBe(result.metrics.errors);
    expect(result.metrics.requests - result.metrics.errors).toBeGreaterThan(20);
    expect(run.stdout).toMatch(/h2_rst_internal_error/);
  });

  it('times out a stream the server never answers, frees its room, and goes on with the others', async () => {
    // Every 10th stream hangs: the 4 slots of the one connection must get their room back each time.
    const s = await serve({ tls: pki.server, intercept: (_stream, n) => n % 10 === 0 });
    const file = join(dir, 'hang.json');
    const out = join(dir, 'hang-result.json');
    const target = { url: s.url, http: 2, tls: { ca: 'ca.pem' }, timeout: '150ms' };
    const load = { connections: 1, streams: 4, duration: '1500ms' };
    writeFileSync(file, JSON.stringify({ name: 'hang', target, load, requests: [{ path: '/x' }] }));
    const run = await runCli(['run', file, '--quiet', '--workers', '1', '--no-default-slos', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(out);
    expect(result.errorsByKind.timeout).toBeGreaterThan(5);
    expect(result.errorsByKind.timeout).toBe(result.metrics.errors);
    expect(result.metrics.requests - result.metrics.errors).toBeGreaterThan(9 * result.errorsByKind.timeout - 10);
    expect(s.sessions).toBe(1);
    expect(s.maxConcurrent).toBeLessThanOrEqual(4);
  });

  it('counts streams cut by GOAWAY as h2_goaway, reconnects, and writes the result', async () => {
    const s = await serve({
      tls: pki.server,
      delayMs: 5,
      intercept: (stream, n) => {
        if (n % 50 !== 0) return false;
        // Streams after this one were sent but will not be processed: the client must retry elsewhere.
        stream.session?.goaway(constants.NGHTTP2_NO_ERROR, stream.id);
        stream.respond({ ':status': 200 });
        stream.end('{}');
        return true;
      },
    });
    const { run, result } = await runH2('goaway', s.url, { connections: 1, streams: 8, duration: '1s' });
    expect(run.code, run.stderr).toBe(0);
    expect(result.errorsByKind.h2_goaway).toBeGreaterThan(0);
    expect(result.errorsByKind.h2_goaway).toBe(result.metrics.errors);
    expect(s.sessions).toBeGreaterThan(1);
    expect(result.metrics.requests).toBeGreaterThan(100);
  });
});
