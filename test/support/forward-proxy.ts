import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ForwardProxy {
  url: string;
  /** CONNECT targets asked for ("host:port"), in order. */
  readonly tunnels: string[];
  /** Absolute-form request targets seen on plain HTTP (first request of each connection). */
  readonly forwarded: string[];
  /** Proxy-Authorization headers seen. */
  readonly credentials: string[];
  close(): Promise<void>;
}

/**
 * A small forward proxy for tests: CONNECT tunnels (HTTPS, h2c) and plain HTTP with absolute-form targets,
 * each client connection piped to the one origin its first request names. It records what it saw.
 */
export async function startForwardProxy(options: { requireAuth?: string } = {}): Promise<ForwardProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const credentials: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', target = ''] = (lines[0] ?? '').split(' ');
      const auth = lines.find((l) => l.toLowerCase().startsWith('proxy-authorization:'));
      if (auth !== undefined) credentials.push(auth.slice(auth.indexOf(':') + 1).trim());
      if (options.requireAuth !== undefined && auth?.endsWith(options.requireAuth) !== true) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const connectTo = method === 'CONNECT' ? target : new URL(target).host;
      const [host = '', port = '80'] = connectTo.split(/:(?=\d+$)/);
      const upstream = connect({ host: host.replace(/^\[|\]$/g, ''), port: Number(port) });
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      if (method === 'CONNECT') {
        tunnels.push(target);
        upstream.once('connect', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          const rest = head.subarray(end + 4);
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
      } else {
        forwarded.push(target);
        upstream.write(head);
        client.pipe(upstream).pipe(client);
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
