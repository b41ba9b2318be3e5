import type { Server } from 'node:http';
import { createSecureServer, createServer as createH2cServer, type Http2Server, type Http2Session } from 'node:http2';
import { generate } from 'selfsigned';

/** How a demo serves: HTTP/1.1 (the default), HTTPS with HTTP/2 and HTTP/1.1 by ALPN, or cleartext h2c. */
export interface DemoProtocol {
  tls: boolean;
  h2: boolean;
}

/** A server serveDemo can run: listen, close, and drop every open connection at once. */
export interface DemoServer {
  on(event: 'error', listener: (err: Error) => void): unknown;
  listen(port: number, host: string, callback: () => void): unknown;
  address(): ReturnType<Server['address']>;
  close(callback?: () => void): unknown;
  closeAllConnections(): void;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made at start (Node cannot make X.509 certificates
 * itself; `selfsigned` does it in JavaScript, with no binary). The parent trusts it for this run only.
 */
export async function demoCertificate(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'backend-bench demo' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 2 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * The same demo behind TLS and/or HTTP/2: the HTTP/1.1 server's request handler is moved onto an http2 server,
 * whose compatibility API gives it request and response objects of the same shape. Over TLS, HTTP/1.1 clients
 * are still served (allowHTTP1), so one demo answers both protocols, as gateways do.
 */
export function withProtocol(server: Server, protocol: DemoProtocol, pems?: { cert: string; key: string }): DemoServer {
  if (!protocol.tls && !protocol.h2) return server;
  const handlers = server.listeners('request') as Parameters<Http2Server['on']>[1][];
  const h2: Http2Server =
    protocol.tls && pems !== undefined
      ? createSecureServer({ cert: pems.cert, key: pems.key, allowHTTP1: true })
      : createH2cServer();
  for (const handler of handlers) h2.on('request', handler as (...args: unknown[]) => void);
  const sessions = new Set<Http2Session>();
  h2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const sockets = new Set<{ destroy(): void }>();
  h2.on(
    protocol.tls ? 'secureConnection' : 'connection',
    (socket: { destroy(): void; once(e: 'close', f: () => void): void }) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    },
  );
  return Object.assign(h2, {
    closeAllConnections: () => {
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
    },
  });
}
