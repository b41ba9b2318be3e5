import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface TestServer {
  url: string;
  port: number;
  /** Requests the server answered, by "METHOD path" (query stripped). */
  counts: Map<string, number>;
  /** Headers of the last few requests, newest last (bounded). */
  seen: IncomingMessage['headers'][];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json = (res: ServerResponse, status: number, value: unknown): void => {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** Answers every request with {"ok":true} after `delayMs`. */
export const fixedDelay =
  (delayMs: number): Handler =>
  (_req, res) =>
    setTimeout(() => json(res, 200, { ok: true }), delayMs);

/**
 * Answers after a random delay, uniform in [minMs, maxMs] times `scale()`: a server with jitter, whose speed a
 * test can change between runs (the same target, slower).
 */
export const jitteryDelay =
  (minMs: number, maxMs: number, scale: () => number = () => 1): Handler =>
  (_req, res) =>
    setTimeout(() => json(res, 200, { ok: true }), (minMs + Math.random() * (maxMs - minMs)) * scale());

/**
 * Holds every response that arrives during a stall window until the window ends: windows of `holdMs`
 * start every `everyMs` from the server's start. Outside them it answers after `baseMs`.
 */
export function stalling(everyMs: number, holdMs: number, baseMs = 1): Handler {
  const t0 = Date.now();
  return (_req, res) => {
    const phase = (Date.now() - t0) % everyMs;
    const wait = phase < holdMs ? holdMs - phase : baseMs;
    setTimeout(() => json(res, 200, { ok: true }), wait);
  };
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const counts = new Map<string, number>();
  const seen: IncomingMessage['headers'][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      seen.push(req.headers);
      if (seen.length > 50) seen.shift();
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections: bound, then closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Listening {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Cuts keep-alive connections and stops listening. */
  close(): Promise<void>;
}

/** Starts a server made elsewhere (a demo, a ws echo) on an ephemeral loopback port. */
export async function listenLocal(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A server listening for the enclosing suite (beforeAll/afterAll), for tests that read its URL once it is up:
 * `const demo = listenDuringSuite(() => createMonolithServer(...))`, then `demo.url` inside the tests.
 */
export function listenDuringSuite(make: () => Server): { readonly url: string } {
  let listening: Listening | undefined;
  beforeAll(async () => {
    listening = await listenLocal(make());
  });
  afterAll(() => listening?.close());
  return {
    get url(): string {
      if (listening === undefined) throw new Error('the server starts in beforeAll: read its url inside a test');
      return listening.url;
    },
  };
}
