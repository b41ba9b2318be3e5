import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindShopServer, createShopServer, SHOP_PROTO } from '../src/targets/grpc-shop.js';
import { readResult, runCli, tempDir } from './support/cli.js';

// A shop whose every call takes 10 ms, in this process; the CLI runs as a user runs it, in its own.
const shop = createShopServer({ serviceTimeMs: [10, 10], streamIntervalMs: 2 });
let url = '';

beforeAll(async () => {
  const port = await bindShopServer(shop.server, '127.0.0.1', 0);
  url = `grpc://127.0.0.1:${port}`;
});
afterAll(() => shop.server.forceShutdown());

function scenario(dir: string, body: string): string {
  const file = join(dir, 'grpc.yaml');
  writeFileSync(file, body);
  return file;
}

describe('gRPC calls', () => {
  it('open model 100/s for 5 s: every call made, timed from its intended start, and counted by the server', async () => {
    const dir = tempDir();
    const before = shop.stats.calls.GetItem ?? 0;
    const run = await runCli(
      [
        'run',
        '--url',
        `${url}/shop.Inventory/GetItem`,
        '--proto',
        SHOP_PROTO,
        '--data',
        '{"sku":"sku-{{randomInt 1 500}}"}',
        '--rate',
        '100',
        '--duration',
        '5s',
        '--slo',
        'error_rate < 1%',
        '--out',
        join(dir, 'r.json'),
      ],
      { timeoutMs: 60_000 },
    );
    expect(run.stderr).not.toMatch(/warning|error/i);
    expect(run.code).toBe(0);
    const result = readResult(join(dir, 'r.json'));
    expect(result.metrics.requests).toBe(500);
    expect(result.metrics.errors).toBe(0);
    expect((shop.stats.calls.GetItem ?? 0) - before).toBe(500);
    // A 10 ms handler: the median call is at least that, and not far above it (wide: machines are shared).
    expect(result.metrics.latencyMs.p50).toBeGreaterThanOrEqual(10);
    expect(result.metrics.latencyMs.p50).toBeLessThan(20);
    expect(result.grpc?.byCall['shop.Inventory/GetItem']).toMatchObject({ kind: 'unary' });
  });

  it('counts status codes by their names; a deadline shorter than the handler is DEADLINE_EXCEEDED', async () => {
    const dir = tempDir();
    const file = scenario(
      dir,
      `target: { url: ${url}, proto: ${SHOP_PROTO}, timeout: 4ms }
load: { connections: 2, duration: 2s }
slos: []
requests:
  - name: missing
    call: shop.Inventory/GetItem
    message: { sku: nope }
`,
    );
    const run = await runCli(['run', file, '-q', '--out', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    const slow = readResult(join(dir, 'r.json'));
    expect(slow.errorsByKind.DEADLINE_EXCEEDED).toBe(slow.metrics.requests);
    expect(slow.metrics.requests).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/DEADLINE_EXCEEDED/);

    writeFileSync(file, (await import('node:fs')).readFileSync(file, 'utf8').replace('timeout: 4ms', 'timeout: 2s'));
    const notFound = await runCli(['run', file, '-q', '--out', join(dir, 'n.json')]);
    expect(notFound.code).toBe(0);
    const n = readResult(join(dir, 'n.json'));
    expect(n.errorsByKind.NOT_FOUND).toBe(n.metrics.requests);
    expect(n.errorSamples).toHaveProperty(['NOT_FOUND: missing: no item nope']);
  });

  it('server streaming: messages per call and the time to the first message', async () => {
    const dir = tempDir();
    const file = scenario(
      dir,
      `target: { url: ${url}, proto: ${SHOP_PROTO} }
load: { rate: 20, duration: 2s }
requests:
  - name: watch
    call: shop.Inventory/WatchStock
    message: { sku: "sku-{{randomInt 1 9}}", updates: 4 }
`,
    );
    const run = await runCli(['run', file, '-q', '--out', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    const streams = readResult(join(dir, 'r.json')).grpc?.byCall.watch?.streams;
    expect(streams?.calls).toBe(40);
    expect(streams?.messagesPerCall).toBe(4);
    // The first message follows the 10 ms handler; the whole call (three more, 2 ms apart) takes longer.
    expect(streams?.firstMessageMs.p50).toBeGreaterThanOrEqual(10);
    expect(run.stdout).toMatch(/gRPC streams/);
    // A saved gRPC result is read back (its section checked) and rendered like the run.
    const report = await runCli(['report', join(dir, 'r.json'), '--format', 'markdown']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/gRPC streams/);
  });

  it('bidirectional streaming: messages per call, first-reply latency, and the server saw the same', async () => {
    const dir = tempDir();
    const before = { calls: shop.stats.calls.QuotePrices ?? 0, ...shop.stats.quotes };
    const file = scenario(
      dir,
      `target: { url: ${url}, proto: ${SHOP_PROTO} }
load: { rate: 20, duration: 2s }
requests:
  - name: quote
    call: shop.Inventory/QuotePrices
    messages:
      - { sku: "sku-{{randomInt 1 9}}", quantity: 1 }
      - { sku: sku-2, quantity: "{{randomInt 2 5}}" }
      - { sku: sku-3, quantity: 7 }
    checks: [{ jsonPath: $.total, equals: 66.5 }]
`,
    );
    const run = await runCli(['run', file, '-q', '--out', join(dir, 'r.json')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = readResult(join(dir, 'r.json'));
    expect(result.metrics.requests).toBe(40);
    expect(result.metrics.errors).toBe(0);
    const quote = result.grpc?.byCall.quote;
    expect(quote).toMatchObject({ method: 'shop.Inventory/QuotePrices', kind: 'bidi_stream' });
    expect(quote?.streams?.calls).toBe(40);
    expect(quote?.streams?.messages).toBe(120);
    expect(quote?.streams?.messagesPerCall).toBe(3);
    // Replies are chained 10 ms apart: the first comes after one handler time, the whole call after three.
    expect(quote?.streams?.firstMessageMs.p50).toBeGreaterThanOrEqual(10);
    expect(result.metrics.latencyMs.p50).toBeGreaterThanOrEqual(30);
    expect(quote?.streams?.firstMessageMs.p50).toBeLessThan(result.metrics.latencyMs.p50);
    expect((shop.stats.calls.QuotePrices ?? 0) - before.calls).toBe(40);
    expect(shop.stats.quotes.received - before.received).toBe(120);
    expect(shop.stats.quotes.sent - before.sent).toBe(120);
  });

  it('checks the method and the message against the proto before any traffic, with file, line and field', async () => {
    const dir = tempDir();
    const before = { ...shop.stats.calls };
    const file = scenario(
      dir,
      `target: { url: ${url}, proto: ${SHOP_PROTO} }
load: { rate: 5, duration: 1s }
requests:
  - call: shop.Inventory/GetItems
  - call: shop.Inventory/Reserve
    message: { sku: a, quantity: many, orderid: x }
`,
    );
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /grpc\.yaml:4:\d+ requests\[0\]\.call: service shop\.Inventory has no method "GetItems"/,
    );
    expect(run.stderr).toMatch(/grpc\.yaml:6:\d+ requests\[1\]\.message\.quantity: expected a number \(int32\)/);
    expect(run.stderr).toMatch(/requests\[1\]\.message\.orderid: unknown field of ReserveRequest/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const badProto = scenario(
      dir,
      `target: { url: ${url}, proto: missing.proto }\nload: { rate: 5, duration: 1s }\nrequests:\n  - call: a.B/C\n`,
    );
    const proto = await runCli(['run', badProto]);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/target\.proto: .*missing\.proto/);
    expect(shop.stats.calls).toEqual(before);
  });

  it('a server that is not there is exit 3, before any load', async () => {
    const run = await runCli([
      'run',
      '--url',
      'grpc://127.0.0.1:9/shop.Inventory/GetItem',
      '--proto',
      SHOP_PROTO,
      '--rate',
      '5',
      '--duration',
      '1s',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/gRPC server grpc:\/\/127\.0\.0\.1:9 is not reachable/);
  });
});
