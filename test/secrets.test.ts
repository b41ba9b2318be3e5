import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SHOP_PROTO } from '../src/targets/grpc-shop.js';
import { runCli, tempDir } from './support/cli.js';
import { type Daemon, freePort, startPushgateway } from './support/daemons.js';
import { type Handler, startServer, type TestServer } from './support/servers.js';

/**
 * Every exporter at once, with secrets in a header, in URL credentials, in the query and in the environment:
 * none of them may appear in any byte that leaves the process (stdout, stderr, every file written, the /metrics
 * scrape during the run, what the Pushgateway and the OTLP collector were sent, HTTP headers included).
 */

const SECRETS = {
  header: 'HdrSecret4711abc',
  urlUser: 'urlUserQ9',
  urlPass: 'UrlPass8812xyz',
  apiKey: 'QueryKey5521def',
  accessToken: 'QueryTok3309ghi',
  envToken: 'EnvTok6604jkl',
  envPass: 'EnvPass7705mno',
};

/** Each secret as it could be leaked: as is, URL-encoded, and credentials as a Basic authorization. */
function leakForms(): Map<string, string> {
  const forms = new Map<string, string>();
  for (const [name, value] of Object.entries(SECRETS)) forms.set(value, name);
  const basic = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');
  forms.set(basic(SECRETS.urlUser, SECRETS.urlPass), 'url credentials as Basic');
  forms.set(basic('envuser', SECRETS.envPass), 'env credentials as Basic');
  return forms;
}

function leaksIn(where: string, bytes: Buffer | string): string[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  return [...leakForms()].filter(([form]) => text.includes(form)).map(([, name]) => `${name} in ${where}`);
}

/** A TCP relay that keeps every byte the client sent, so a test sees a push exactly as it left the process. */
async function recordingRelay(targetPort: number): Promise<{ port: number; sent: Buffer[]; close(): Promise<void> }> {
  const sent: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => sent.push(Buffer.from(d)));
    client.pipe(upstream).on('error', () => client.destroy());
    upstream.pipe(client).on('error', () => upstream.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sent,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An OTLP/HTTP collector that keeps every request it gets, headers and raw body. */
async function startCollector(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(
        `${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('latin1')}`,
      );
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Scrapes /metrics every 300 ms until stopped; keeps every body. */
function scrapeDuring(url: string): { bodies: string[]; stop(): Promise<void> } {
  const bodies: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        bodies.push(await (await fetch(url)).text());
      } catch {
        // not up yet, or gone
      }
      await delay(300);
    }
  })();
  return {
    bodies,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

// Every seventh request fails, so error samples and error series have something to say.
let n = 0;
const flaky: Handler = (_req, res) => {
  const status = ++n % 7 === 0 ? 500 : 200;
  setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'), 2);
};

/** A gRPC GetItem that keeps the authorization metadata it got; every seventh call fails with NOT_FOUND. */
async function startGrpcShop(): Promise<{ port: number; seen: string[]; close(): void }> {
  const definition = protoLoader.loadSync(SHOP_PROTO, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    shop: { Inventory: grpc.ServiceClientConstructor };
  };
  const seen: string[] = [];
  let calls = 0;
  const server = new grpc.Server();
  server.addService(pkg.shop.Inventory.service, {
    GetItem: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen.push(String(call.metadata.get('authorization')[0]));
      if (++calls % 7 === 0) return callback({ code: grpc.status.NOT_FOUND, details: 'no such item' });
      callback(null, { item: { sku: 'a', stock: 1 } });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, seen, close: () => server.forceShutdown() };
}

/** A WebSocket echo that keeps each session's request line and headers; every third session is dropped (1011). */
async function startWsEcho(): Promise<{ url: string; seen: { url: string; auth: string }[]; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const seen: { url: string; auth: string }[] = [];
  wss.on('connection', (socket, req) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization ?? '' });
    const drop = seen.length % 3 === 0;
    socket.on('message', (data: Buffer) => (drop ? socket.close(1011, 'dropped') : socket.send(data.toString())));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        http.close(() => resolve());
      }),
  };
}

describe('secrets never leave the machine through an output', () => {
  let server: TestServer;
  let gw: Daemon;
  let relay: Awaited<ReturnType<typeof recordingRelay>>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    server = await startServer(flaky);
    gw = await startPushgateway();
    relay = await recordingRelay(Number(new URL(gw.url).port));
    collector = await startCollector();
  }, 60_000);
  afterAll(async () => {
    await collector?.close();
    await relay?.close();
    await gw?.stop();
    await server?.close();
  });

  async function runWithEveryOutput(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
    collector.received.length = 0;
    relay.sent.length = 0;
    const dir = tempDir('bb-secrets-');
    const metricsPort = await freePort();
    const stepSummary = join(dir, 'step-summary.md');
    const scrape = scrapeDuring(`http://127.0.0.1:${metricsPort}/metrics`);
    const run = await runCli(
      [
        ...args,
        '--rate',
        '40',
        '--duration',
        '2s',
        '--out',
        join(dir, 'r.json'),
        '--junit',
        join(dir, 'junit.xml'),
        '--markdown',
        join(dir, 'r.md'),
        '--html',
        join(dir, 'r.html'),
        '--prometheus',
        `127.0.0.1:${metricsPort}`,
        '--linger',
        '1s',
        '--pushgateway',
        `http://127.0.0.1:${relay.port}`,
        '--otlp',
        collector.url,
      ],
      { env: { ...env, GITHUB_STEP_SUMMARY: stepSummary, OTEL_METRIC_EXPORT_INTERVAL: '500' }, timeoutMs: 60_000 },
    );
    await scrape.stop();
    expect(run.code, run.stderr).toBe(0);
    expect(scrape.bodies.some((b) => b.includes('backend_bench_requests_total'))).toBe(true);
    expect(relay.sent.length).toBeGreaterThan(0);
    expect(collector.received.length).toBeGreaterThan(0);
    const files = readdirSync(dir).filter((f) => f !== 'scenario.yaml');
    expect(files.sort()).toEqual(['junit.xml', 'r.html', 'r.json', 'r.md', 'step-summary.md']);
    return [
      ...leaksIn('stdout', run.stdout),
      ...leaksIn('stderr', run.stderr),
      ...files.flatMap((f) => leaksIn(f, readFileSync(join(dir, f)))),
      ...scrape.bodies.flatMap((b) => leaksIn('/metrics', b)),
      ...relay.sent.flatMap((b) => leaksIn('pushgateway', b)),
      ...collector.received.flatMap((b) => leaksIn('otlp', b)),
    ];
  }

  it('an ad-hoc run: header, URL credentials and query secrets on the command line', async () => {
    const { port } = server;
    const url = `http://${SECRETS.urlUser}:${SECRETS.urlPass}@127.0.0.1:${port}/items/42?api_key=${SECRETS.apiKey}&access_token=${SECRETS.accessToken}&page=2`;
    const leaks = await runWithEveryOutput([
      'run',
      '--url',
      url,
      '--header',
      `authorization: Bearer ${SECRETS.header}`,
      '--no-default-slos',
    ]);
    expect(leaks).toEqual([]);
    expect(server.seen.at(-1)?.authorization).toBe(`Bearer ${SECRETS.header}`);
  }, 90_000);

  it('a scenario file: secrets from the environment in the target URL, a header and the query', async () => {
    const file = join(tempDir('bb-secrets-file-'), 'scenario.yaml');
    writeFileSync(
      file,
      [
        'name: secrets',
        'target:',
        `  url: "http://envuser:\${DB_PASS}@127.0.0.1:${server.port}"`,
        '  headers: { x-api-key: "${API_TOKEN}" }',
        'load: { rate: 40, duration: 2s }',
        'requests:',
        '  - path: "/orders/507f1f77bcf86cd799439011?token=${API_TOKEN}&sig=${DB_PASS}"',
        'slos: []',
      ].join('\n'),
    );
    const leaks = await runWithEveryOutput(['run', file], { API_TOKEN: SECRETS.envToken, DB_PASS: SECRETS.envPass });
    expect(leaks).toEqual([]);
    expect(server.seen.at(-1)?.['x-api-key']).toBe(SECRETS.envToken);
  }, 90_000);

  it('a gRPC run: authorization metadata from the environment', async () => {
    const shop = await startGrpcShop();
    try {
      const file = join(tempDir('bb-secrets-grpc-'), 'scenario.yaml');
      writeFileSync(
        file,
        [
          `target: { url: "grpc://127.0.0.1:${shop.port}", proto: "${SHOP_PROTO}" }`,
          'load: { rate: 40, duration: 2s }',
          'requests:',
          '  - call: shop.Inventory/GetItem',
          '    message: { sku: "sku-{{seq}}" }',
          '    metadata: { authorization: "Bearer ${API_TOKEN}" }',
          'slos: []',
        ].join('\n'),
      );
      const leaks = await runWithEveryOutput(['run', file], { API_TOKEN: SECRETS.envToken });
      expect(leaks).toEqual([]);
      expect(shop.seen.length).toBeGreaterThanOrEqual(80);
      expect(shop.seen.at(-1)).toBe(`Bearer ${SECRETS.envToken}`);
    } finally {
      shop.close();
    }
  }, 90_000);

  it('a WebSocket run: a header and a token in the URL query', async () => {
    const echo = await startWsEcho();
    try {
      const url = `${echo.url}/chat?token=${SECRETS.accessToken}&api_key=${SECRETS.apiKey}&room=7`;
      const leaks = await runWithEveryOutput([
        'run',
        '--url',
        url,
        '--header',
        `authorization: Bearer ${SECRETS.header}`,
        '--message',
        'hi {{seq}}',
        '--no-default-slos',
      ]);
      expect(leaks).toEqual([]);
      expect(echo.seen.length).toBeGreaterThan(3);
      expect(echo.seen.at(-1)).toEqual({
        url: `/chat?token=${SECRETS.accessToken}&api_key=${SECRETS.apiKey}&room=7`,
        auth: `Bearer ${SECRETS.header}`,
      });
    } finally {
      await echo.close();
    }
  }, 90_000);
});
