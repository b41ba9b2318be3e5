import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { attachWsEcho } from '../src/targets/ws-echo.js';
import { bindShopServer, createShopServer, SHOP_PROTO } from '../src/targets/grpc-shop.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort } from './support/servers.js';

/**
 * Hostile probes of the gRPC and WebSocket engines (run `npm run build` first): targets that stall, refuse,
 * send garbage or drop sessions, absurd rates, and Ctrl-C before the load starts. Each run must end on time,
 * count what happened, and write its result; never hang, crash or print a stack trace.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A gRPC GetItem that takes every call and never answers it. */
async function stallingGrpc(): Promise<{ url: string; calls: () => number }> {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(SHOP_PROTO, { keepCase: true })) as unknown as {
    shop: { Inventory: grpc.ServiceClientConstructor };
  };
  let calls = 0;
  const server = new grpc.Server();
  server.addService(pkg.shop.Inventory.service, { GetItem: () => void calls++ });
  const port = await bindShopServer(server, '127.0.0.1', 0);
  cleanups.push(() => server.forceShutdown());
  return { url: `grpc://127.0.0.1:${port}`, calls: () => calls };
}

/** A TCP server that accepts connections and never says a word (no HTTP/2 preface, no WebSocket upgrade). */
async function silentTcp(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => void sockets.add(s.on('error', () => undefined)));
  const port = await listen(server);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return port;
}

async function wsEcho(): Promise<string> {
  const server = createServer();
  attachWsEcho(server, { serviceTimeMs: [1, 1] });
  const port = await listen(server);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${port}/chat`;
}

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = Date.now();
  const value = await run();
  return [value, Date.now() - started];
};

describe('gRPC engine under hostile conditions', () => {
  it('a server that never answers: every call DEADLINE_EXCEEDED, the run ends within duration + timeout', async () => {
    const target = await stallingGrpc();
    const out = join(tempDir(), 'r.json');
    const args = ['run', '--url', `${target.url}/shop.Inventory/GetItem`, '--proto', SHOP_PROTO, '--data', '{}'];
    const [run, tookMs] = await timed(() =>
      runCli([...args, '--rate', '20', '--duration', '2s', '--timeout', '1s', '--no-default-slos', '-q', '--out', out]),
    );
    expect(run.code, run.stderr).toBe(0);
    // 2 s of schedule and 1 s of deadline, plus start-up and the summary on a shared machine.
    expect(tookMs).toBeLessThan(9000);
    const r = readResult(out);
    expect(r.metrics.requests).toBe(40);
    expect(r.errorsByKind.DEADLINE_EXCEEDED).toBe(40);
    expect(target.calls()).toBe(40);
    // Timed out calls waited their deadline (from their intended start), not less: grpc-js sets the deadline on
    // Date.now(), whose whole milliseconds can put it up to 1 ms before the same instant on performance.now().
    expect(r.metrics.latencyMs.p50).toBeGreaterThanOrEqual(999);
  });

  it('an absurd rate (1e9/s for 1 s) ends within seconds, the starts it could not make counted as dropped', async () => {
    const shop = createShopServer({ serviceTimeMs: [1, 1] });
    const port = await bindShopServer(shop.server, '127.0.0.1', 0);
    cleanups.push(() => shop.server.forceShutdown());
    const out = join(tempDir(), 'r.json');
    const url = `grpc://127.0.0.1:${port}/shop.Inventory/GetItem`;
    const args = ['run', '--url', url, '--proto', SHOP_PROTO, '--data', '{"sku":"sku-1"}'];
    const [run, tookMs] = await timed(() =>
      runCli([...args, '--rate', '1e9', '--duration', '1s', '--no-default-slos', '-q', '--out', out], {
        timeoutMs: 60_000,
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(tookMs).toBeLessThan(15_000);
    const r = readResult(out);
    expect(r.metrics.requests).toBeGreaterThan(0);
    expect(r.metrics.dropped).toBeGreaterThan(0);
    expect(r.metrics.requests + r.metrics.dropped).toBe(1e9);
  });

  it('Ctrl-C while waiting for the server to be ready exits 130 at once and writes --out', async () => {
    const port = await closedPort(); // nothing listens: grpc-js keeps retrying until the readiness deadline
    const out = join(tempDir(), 'r.json');
    let signalledAt = 0;
    const url = `grpc://127.0.0.1:${port}/shop.Inventory/GetItem`;
    const run = await runCli(
      ['run', '--url', url, '--proto', SHOP_PROTO, '--rate', '5', '--duration', '30s', '-q', '--out', out],
      {
        onSpawn: (pid) =>
          setTimeout(() => {
            signalledAt = Date.now();
            process.kill(pid, 'SIGINT');
          }, 1500),
      },
    );
    const afterSignalMs = Date.now() - signalledAt;
    expect(run.code, run.stderr).toBe(130);
    expect(afterSignalMs).toBeLessThan(2500);
    expect(existsSync(out)).toBe(true);
    expect(readResult(out)).toMatchObject({ interrupted: true, metrics: { requests: 0 } });
  });
});

describe('WebSocket engine under hostile conditions', () => {
  it('nothing listening: exit 3 with one line before any load, no result', async () => {
    const port = await closedPort();
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      `ws://127.0.0.1:${port}/chat?token=probeTok123`,
      '--message',
      'hi',
      '--connections',
      '2',
      '--duration',
      '5s',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^backend-bench: WebSocket target ws:\/\/127\.0\.0\.1:\d+\/chat\?token=\S+ is not reachable: .*ECONNREFUSED/,
      ),
    ]);
    expect(run.stderr).not.toMatch(/probeTok123/);
    expect(existsSync(out)).toBe(false);
  });

  it('an absurd session rate (1e9/s for 1 s) ends within seconds, dropped starts counted', async () => {
    const url = await wsEcho();
    const out = join(tempDir(), 'r.json');
    const args = ['run', '--url', url, '--message', 'hi', '--rate', '1e9', '--duration', '1s'];
    const [run, tookMs] = await timed(() =>
      runCli([...args, '--no-default-slos', '-q', '--out', out], { timeoutMs: 60_000 }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(tookMs).toBeLessThan(15_000);
    const r = readResult(out);
    expect(r.metrics.dropped).toBeGreaterThan(0);
    expect(r.metrics.requests + r.metrics.dropped).toBe(1e9);
  });

  it('Ctrl-C while sessions wait on a server that never answers the upgrade: exit 130 promptly, --out written', async () => {
    const port = await silentTcp();
    const out = join(tempDir(), 'r.json');
    let signalledAt = 0;
    const args = ['run', '--url', `ws://127.0.0.1:${port}/`, '--message', 'hi', '--connections', '3'];
    const run = await runCli([...args, '--duration', '60s', '--timeout', '30s', '-q', '--out', out], {
      onSpawn: (pid) =>
        setTimeout(() => {
          signalledAt = Date.now();
          process.kill(pid, 'SIGINT');
        }, 2000),
    });
    const afterSignalMs = Date.now() - signalledAt;
    expect(run.code, run.stderr).toBe(130);
    expect(afterSignalMs).toBeLessThan(2500);
    expect(readResult(out)).toMatchObject({ interrupted: true });
  });

  it('malformed frames and 1011 closes mid-run: close codes counted, no crash, the result written', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    let sessions = 0;
    wss.on('connection', (socket, req) => {
      const kind = sessions++ % 2;
      let messages = 0;
      socket.on('error', () => undefined);
      socket.on('message', (data: Buffer) => {
        if (++messages < 3) return socket.send(data.toString());
        // Odd sessions: a frame with the reserved bits set (RFC 6455 §5.2), written under the library's feet.
        if (kind === 1) req.socket.write(Buffer.from([0xf1, 0x00]));
        else socket.close(1011, 'probe drops the session');
      });
    });
    const port = await listen(server);
    cleanups.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const out = join(tempDir(), 'r.json');
    const args = ['run', '--url', `ws://127.0.0.1:${port}/`, '--message', 'hi {{seq}}', '--connections', '4'];
    const run = await runCli([...args, '--duration', '2s', '--no-default-slos', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const r = readResult(out);
    const closes = r.websocket?.closes ?? {};
    const dropped = closes['1011']?.byServer ?? 0;
    // ws tears a session down on a bad frame without a closing handshake: 1006, counted as the server's doing.
    const broken = closes['1006']?.byServer ?? 0;
    expect(dropped).toBeGreaterThan(2);
    expect(broken).toBeGreaterThan(2);
    // Each session lost the reply to its third message, of the kind of what ended it.
    expect(r.errorsByKind.connect_reset).toBe(dropped);
    expect(r.errorsByKind.malformed_response).toBe(broken);
    expect(r.metrics.requests - r.metrics.errors).toBe(2 * (dropped + broken));
    expect(Object.keys(r.errorSamples)).toContainEqual(
      expect.stringMatching(/^malformed_response: .*invalid frame: .*RSV/),
    );
  });
});
