import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindShopServer, createShopServer } from '../src/targets/grpc-shop.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort } from './support/servers.js';

/**
 * gRPC targets given without .proto files: the tool reads the methods and message types from the server's
 * reflection service (run `npm run build` first). The demo shop offers reflection; a second shop does not.
 */

const shop = createShopServer({ serviceTimeMs: [2, 2], streamIntervalMs: 1 });
const bare = createShopServer({ serviceTimeMs: [2, 2], reflection: false });
let url = '';
let bareUrl = '';

beforeAll(async () => {
  url = `grpc://127.0.0.1:${await bindShopServer(shop.server, '127.0.0.1', 0)}`;
  bareUrl = `grpc://127.0.0.1:${await bindShopServer(bare.server, '127.0.0.1', 0)}`;
});
afterAll(() => {
  shop.server.forceShutdown();
  bare.server.forceShutdown();
});

function scenario(body: string): string {
  const file = join(tempDir(), 'reflect.yaml');
  writeFileSync(file, body);
  return file;
}

describe('gRPC by server reflection', () => {
  it('ad hoc without --proto: calls made and counted by the server, as with the proto', async () => {
    const out = join(tempDir(), 'r.json');
    const before = shop.stats.calls.GetItem ?? 0;
    const args = ['run', '--url', `${url}/shop.Inventory/GetItem`, '--data', '{"sku":"sku-{{randomInt 1 500}}"}'];
    const run = await runCli([...args, '--rate', '20', '--duration', '2s', '--no-default-slos', '-q', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.metrics.requests).toBe(40);
    expect(r.metrics.errors).toBe(0);
    expect((shop.stats.calls.GetItem ?? 0) - before).toBe(40);
    expect(r.grpc?.byCall['shop.Inventory/GetItem']).toMatchObject({ kind: 'unary' });
  });

  it('a scenario without proto: streams, enums and checks work from the reflected types', async () => {
    const out = join(tempDir(), 'r.json');
    const file = scenario(`target: { url: ${url} }
load: { rate: 10, duration: 2s }
slos: []
requests:
  - name: item
    call: shop.Inventory/GetItem
    message: { sku: sku-3 }
    checks: [{ jsonPath: $.item.category, equals: BOOKS }]
  - name: watch
    call: shop.Inventory/WatchStock
    message: { sku: sku-4, updates: 3 }
  - name: quote
    call: shop.Inventory/QuotePrices
    messages: [{ sku: sku-5, quantity: 2 }, { sku: sku-6, quantity: 4 }]
`);
    const run = await runCli(['run', file, '-q', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.metrics.requests).toBe(20);
    expect(r.metrics.errors).toBe(0);
    expect(r.grpc?.byCall.watch).toMatchObject({ kind: 'server_stream', streams: { messagesPerCall: 3 } });
    expect(r.grpc?.byCall.quote).toMatchObject({ kind: 'bidi_stream', streams: { messagesPerCall: 2 } });
  });

  it('an unknown method or a bad field is exit 2 with file, line and field, before any call', async () => {
    const before = { ...shop.stats.calls };
    const file = scenario(`target: { url: ${url} }
load: { rate: 5, duration: 1s }
requests:
  - call: shop.Inventory/GetItems
  - call: shop.Inventory/Reserve
    message: { sku: a, quantity: many, orderid: x }
  - call: shop.Cart/Add
`);
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /reflect\.yaml:4:\d+ requests\[0\]\.call: service shop\.Inventory has no method "GetItems"/,
    );
    expect(run.stderr).toMatch(/reflect\.yaml:6:\d+ requests\[1\]\.message\.quantity: expected a number \(int32\)/);
    expect(run.stderr).toMatch(/requests\[1\]\.message\.orderid: unknown field of ReserveRequest/);
    expect(run.stderr).toMatch(/requests\[2\]\.call: no service "shop\.Cart" .*\(services: shop\.Inventory\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(shop.stats.calls).toEqual(before);
  });

  it('a server without reflection: one line saying to give the protos, exit 2', async () => {
    const before = { ...bare.stats.calls };
    const file = scenario(
      `target: { url: ${bareUrl} }\nload: { rate: 5, duration: 1s }\nrequests:\n  - call: shop.Inventory/GetItem\n`,
    );
    const run = await runCli(['run', file]);
    expect(run.code).toBe(2);
    // The file's usual report: its name and count, then the one problem at the target's line.
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/reflect\.yaml: 1 problem$/),
      expect.stringMatching(
        /reflect\.yaml:1:\d+ target: gRPC server grpc:\/\/127\.0\.0\.1:\d+ offers no reflection service: give the \.proto files with proto: \(or --proto\)$/,
      ),
    ]);
    const adHoc = await runCli([
      'run',
      '--url',
      `${bareUrl}/shop.Inventory/GetItem`,
      '--rate',
      '5',
      '--duration',
      '1s',
    ]);
    expect(adHoc.code).toBe(2);
    expect(adHoc.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^backend-bench: target: gRPC server .* offers no reflection service: give the \.proto files/,
      ),
    ]);
    expect(bare.stats.calls).toEqual(before);
  });

  it('validate without proto needs the server up, and says so (exit 3)', async () => {
    const port = await closedPort();
    const file = scenario(
      `target: { url: "grpc://127.0.0.1:${port}" }\nload: { rate: 5, duration: 1s }\nrequests:\n  - call: a.B/C\n`,
    );
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^backend-bench: gRPC server grpc:\/\/127\.0\.0\.1:\d+ is not reachable: .*ECONNREFUSED.* \(no proto given: its methods are read from its reflection service, so it must be up to validate or run\)$/,
      ),
    ]);
  });

  it('the gRPC demo needs no proto: its own ships with the tool', async () => {
    const file = scenario(
      'target: { demo: grpc }\nload: { rate: 5, duration: 1s }\nrequests:\n  - call: shop.Inventory/GetItem\n',
    );
    const run = await runCli(['validate', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ok \(open model, 1 gRPC calls/);
  });
});
