import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateScenario } from '../../scenario/load.js';
import { planScenario } from '../../scenario/plan.js';
import { HttpConnection, originOf } from './connection.js';
import type { Outcome } from './http-sender.js';
import { PreparedRequest } from './prepared-request.js';
import { MAX_BODY_BYTES } from './response-parser.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Counts the TCP connections a server accepted, and closes them all when the test ends. */
function tracked(server: Server): { connections: () => number } {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on('connection', (s: Socket) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = (cb) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  };
  return { connections: () => count };
}

function prepare(request: Record<string, unknown>, base: string): PreparedRequest {
  const plan = planScenario(
    validateScenario({ target: base, load: { connections: 1, duration: '1s' }, requests: [request] }, 'test'),
  );
  const url = new URL(base);
  return new PreparedRequest(plan.requests[0]!, '', url.host);
}

/** Drives one connection through `count` sequential exchanges and collects the outcomes. */
async function exchanges(
  base: string,
  request: Record<string, unknown>,
  count: number,
  timeoutMs = 2000,
  resends: Outcome[] = [],
): Promise<Outcome[]> {
  const prepared = prepare(request, base);
  const outcomes: Outcome[] = [];
  return new Promise((resolve) => {
    const connection: HttpConnection = new HttpConnection(originOf(new URL(base)), timeoutMs, {
      completed: (_c, outcome) => {
        outcomes.push(outcome);
        if (outcomes.length < count) connection.send(prepared, { seq: outcomes.length });
        else {
          connection.close();
          resolve(outcomes);
        }
      },
      resent: (_c, failed) => void resends.push(failed),
    });
    const sweep = setInterval(() => connection.expireIfDue(performance.now()), 10);
    sweep.unref();
    connection.send(prepared, { seq: 0 });
  });
}

const ok = (status = 200): Outcome => ({ error: undefined, hasLatency: true, status, message: undefined });

describe('HttpConnection against real servers', () => {
  it('reuses one keep-alive connection for every exchange, and the server sees our request as sent', async () => {
    const seen: string[] = [];
    const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers['x-n']} ${body}`);
        res.end('{"ok":true}');
      });
    });
    const { connections } = tracked(server);
    const host = await listen(server);
    const request = { method: 'POST', path: '/items/{{seq}}', headers: { 'X-N': '{{seq}}' }, json: { n: '{{seq}}' } };
    const outcomes = await exchanges(`http://${host}`, request, 5);
    expect(outcomes).toEqual(Array(5).fill(ok()));
    expect(connections()).toBe(1);
    expect(seen[3]).toBe(`POST /items/3 ${host} 3 {"n":3}`);
  });

  it('reads chunked bodies and headers for checks', async () => {
    const server = createHttpServer((_req, res) => {
      res.setHeader('x-kind', 'chunky');
      res.write('{"id": ');
      setTimeout(() => res.end('7}'), 5);
    });
    tracked(server);
    const host = await listen(server);
    const pass = {
      path: '/',
      checks: [
        { jsonPath: 'id', equals: 7 },
        { header: 'X-Kind', equals: 'chunky' },
      ],
    };
    expect(await exchanges(`http://${host}`, pass, 3)).toEqual(Array(3).fill(ok()));
    const fail = { path: '/', checks: [{ header: 'x-kind', equals: 'smooth' }] };
    expect((await exchanges(`http://${host}`, fail, 1))[0]).toMatchObject({
      error: 'check',
      message: expect.stringMatching(/header x-kind/),
    });
  });

  it('opens a new connection after Connection: close, and after the server drops an idle one', async () => {
    let n = 0;
    const server = createHttpServer((_req, res) => {
      if (n++ % 2 === 0) res.setHeader('connection', 'close');
      res.end('x');
    });
    server.keepAliveTimeout = 1;
    const { connections } = tracked(server);
    const host = await listen(server);
    expect(await exchanges(`http://${host}`, { path: '/' }, 6)).toEqual(Array(6).fill(ok()));
    expect(connections()).toBeGreaterThanOrEqual(3);
  });

  it('resends an idempotent request once when a reused connection closes before any answer; never a POST', async () => {
    // Answers the first request on each connection, then closes on the second without a byte: a keep-alive race.
    const raw = createNetServer((socket) => {
      let requests = 0;
      socket.on('data', () => {
        if (++requests === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx');
        else socket.destroy();
      });
    });
    tracked(raw);
    const host = await listen(raw);
    const resends: Outcome[] = [];
    expect(await exchanges(`http://${host}`, { path: '/' }, 3, 2000, resends)).toEqual(Array(3).fill(ok()));
    // Every resend is reported to the owner with the reset it met, so it can be counted (never hidden).
    expect(resends).toEqual([
      expect.objectContaining({ error: 'connect_reset', hasLatency: false }),
      expect.objectContaining({ error: 'connect_reset', hasLatency: false }),
    ]);
    const posts = await exchanges(`http://${host}`, { method: 'POST', path: '/' }, 2);
    expect(posts[0]).toEqual(ok());
    expect(posts[1]).toMatchObject({ error: 'connect_reset', hasLatency: false });
  });

  it('times out a stalled exchange with the time waited, and recovers on a new connection', async () => {
    let n = 0;
    const server = createHttpServer((_req, res) => {
      if (n++ === 0) return; // the first request is never answered
      res.end('late but fine');
    });
    tracked(server);
    const host = await listen(server);
    const started = performance.now();
    const outcomes = await exchanges(`http://${host}`, { path: '/' }, 2, 150);
    expect(outcomes[0]).toMatchObject({
      error: 'timeout',
      hasLatency: true,
      message: 'no complete response within 150 ms',
    });
    expect(outcomes[1]).toEqual(ok());
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a response that ends after its deadline is a timeout, even when the deadline timer has not fired', async () => {
    const server = createHttpServer((_req, res) => void setTimeout(() => res.end('slow'), 40));
    tracked(server);
    const host = await listen(server);
    const prepared = prepare({ path: '/' }, `http://${host}`);
    // No sweep runs here: only the comparison at completion can see that the 5 ms deadline passed.
    const outcome = await new Promise<Outcome>((resolve) => {
      const connection: HttpConnection = new HttpConnection(originOf(new URL(`http://${host}`)), 5, {
        completed: (_c, o) => {
          connection.close();
          resolve(o);
        },
      });
      connection.send(prepared, { seq: 0 });
    });
    expect(outcome).toMatchObject({ error: 'timeout', hasLatency: true, message: 'no complete response within 5 ms' });
  });

  it('counts a malformed response as malformed_response at once, and a HEAD response as bodiless', async () => {
    const raw = createNetServer((socket) => socket.on('data', () => socket.write('ICY 200 OK\r\n\r\n')));
    tracked(raw);
    const host = await listen(raw);
    expect((await exchanges(`http://${host}`, { path: '/' }, 1))[0]).toMatchObject({
      error: 'malformed_response',
      hasLatency: true,
      message: expect.stringMatching(/not an HTTP\/1.x status line/),
    });
    // Whitespace before the colon: once read until close (a timeout), now an error as soon as the head is in.
    const spaced = createNetServer((socket) =>
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi')),
    );
    tracked(spaced);
    const spacedHost = await listen(spaced);
    const started = performance.now();
    const [outcome] = await exchanges(`http://${spacedHost}`, { path: '/' }, 1, 2000);
    expect(outcome).toMatchObject({ error: 'malformed_response', message: 'malformed header name' });
    expect(performance.now() - started).toBeLessThan(1000);
    const server = createHttpServer((_req, res) => res.writeHead(200, { 'content-length': '100' }).end());
    tracked(server);
    const h = await listen(server);
    expect(await exchanges(`http://${h}`, { method: 'HEAD', path: '/' }, 3)).toEqual(Array(3).fill(ok()));
  });

  it('retires an idle connection before the Keep-Alive timeout the server announced, so no POST meets its close', async () => {
    // Says timeout=1 and closes a connection 1 s after its last response, as Node's and Apache's servers do.
    const raw = createNetServer((socket) => {
      let idle: NodeJS.Timeout | undefined;
      socket.on('data', () => {
        clearTimeout(idle);
        socket.write('HTTP/1.1 201 Created\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n');
        idle = setTimeout(() => socket.destroy(), 1000);
      });
      socket.on('close', () => clearTimeout(idle));
    });
    const { connections } = tracked(raw);
    const host = await listen(raw);
    const prepared = prepare({ method: 'POST', path: '/', json: { a: 1 } }, `http://${host}`);
    const outcomes: Outcome[] = [];
    const gapsMs = [1000, 1000, 1100];
    await new Promise<void>((resolve) => {
      const connection: HttpConnection = new HttpConnection(originOf(new URL(`http://${host}`)), 2000, {
        completed: (_c, outcome) => {
          outcomes.push(outcome);
          const gap = gapsMs[outcomes.length - 1];
          if (gap === undefined) return resolve(connection.close());
          // The next POST goes out just as the server's idle timer fires: without the hint it would race the close.
          setTimeout(() => connection.send(prepared, { seq: outcomes.length }), gap);
        },
      });
      connection.send(prepared, { seq: 0 });
    });
    expect(outcomes).toEqual(Array(4).fill(ok(201)));
    expect(connections()).toBe(4);
  });

  it('fails a check whose body is over the kept maximum as body_too_large, draining the rest', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 10, 'a');
    const server = createHttpServer((req, res) => res.end(req.url === '/big' ? big : '{"id":1}'));
    const { connections } = tracked(server);
    const host = await listen(server);
    const [tooBig] = await exchanges(`http://${host}`, { path: '/big', checks: [{ jsonPath: 'id', exists: true }] }, 1);
    expect(tooBig).toMatchObject({ error: 'body_too_large', hasLatency: true, status: 200 });
    const fine = await exchanges(`http://${host}`, { path: '/big' }, 2);
    expect(fine).toEqual(Array(2).fill(ok()));
    expect(connections()).toBe(2);
  });

  it('speaks TLS: an untrusted certificate is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('x'));
    tracked(server);
    const host = await listen(server);
    const [outcome] = await exchanges(`https://${host}`, { path: '/' }, 1);
    expect(outcome).toMatchObject({
      error: 'other',
      hasLatency: false,
      message: expect.stringMatching(/self[- ]signed/i),
    });
  });
});
