import {
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface H2TestServer {
  url: string;
  /** Sessions on which at least one stream arrived (a pre-flight TLS check opens none). */
  readonly sessions: number;
  /** Streams answered or reset, in all. */
  readonly streams: number;
  /** Most streams open at once, over all sessions. */
  readonly maxConcurrent: number;
  close(): Promise<void>;
}

export interface H2ServerOptions {
  tls?: { cert: string; key: string };
  delayMs?: number;
  maxConcurrentStreams?: number;
  /** Called for each stream (numbered from 1, server-wide) before it is answered; return true if it handled it. */
  intercept?: (stream: ServerHttp2Stream, n: number) => boolean;
}

/** An HTTP/2 server (TLS with ALPN h2, or h2c) that counts sessions, streams and concurrency. */
export async function startH2Server(options: H2ServerOptions = {}): Promise<H2TestServer> {
  const settings = { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 };
  const server: Http2Server = options.tls
    ? createSecureServer({ ...options.tls, settings })
    : createServer({ settings });
  const used = new Set<Http2Session>();
  const all = new Set<Http2Session>();
  let streams = 0;
  let active = 0;
  let maxConcurrent = 0;
  server.on('session', (session: Http2Session) => {
    all.add(session);
    session.on('error', () => {});
    session.once('close', () => all.delete(session));
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    used.add(stream.session as Http2Session);
    const n = ++streams;
    active++;
    maxConcurrent = Math.max(maxConcurrent, active);
    stream.once('close', () => active--);
    stream.on('error', () => {});
    if (options.intercept?.(stream, n) === true) return;
    setTimeout(() => {
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end('{"ok":true}');
    }, options.delayMs ?? 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get sessions() {
      return used.size;
    },
    get streams() {
      return streams;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of all) s.destroy();
        server.close(() => resolve());
      }),
  };
}
