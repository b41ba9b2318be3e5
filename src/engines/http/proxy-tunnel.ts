import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** The Proxy-Authorization value for a proxy URL's user:password, if it has one. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16_384;

/**
 * A byte stream to host:port through an HTTP proxy's CONNECT tunnel. It is usable at once: what is written
 * before the proxy has answered waits, so callers (tls.connect, http2.connect) need not know about the proxy.
 * A refusal (e.g. 407, 403) destroys the stream with an error that says so.
 */
export class ProxyTunnel extends Duplex {
  private readonly raw: Socket;
  private open = false;
  private head = Buffer.alloc(0);
  private pending: (() => void)[] = [];

  constructor(proxy: URL, host: string, port: number, onOpen: () => void) {
    super();
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.raw = netConnect({ host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(proxy.port || 80) });
    this.raw.setNoDelay(true);
    const auth = proxyAuthorization(proxy);
    this.raw.write(
      `CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n` +
        (auth === undefined ? '' : `proxy-authorization: ${auth}\r\n`) +
        '\r\n',
    );
    this.raw.on('data', (chunk: Buffer) => {
      if (this.open) {
        if (!this.push(chunk)) this.raw.pause();
        return;
      }
      this.onHead(chunk, onOpen);
    });
    this.raw.on('end', () => this.push(null));
    this.raw.on('error', (err) => this.destroy(err));
    this.raw.on('close', () => this.destroy());
  }

  private onHead(chunk: Buffer, onOpen: () => void): void {
    this.head = Buffer.concat([this.head, chunk]);
    const end = this.head.indexOf(HEAD_END);
    if (end < 0) {
      if (this.head.length > MAX_HEAD) this.destroy(tunnelError('the proxy sent an oversized answer to CONNECT'));
      return;
    }
    const statusLine = this.head.subarray(0, this.head.indexOf('\r\n')).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    if (status < 200 || status > 299) {
      const why = status === 407 ? ' (proxy authentication required: put user:password in the proxy URL)' : '';
      this.destroy(tunnelError(`the proxy refused CONNECT: ${statusLine.slice(9) || 'no status'}${why}`));
      return;
    }
    this.open = true;
    const rest = this.head.subarray(end + HEAD_END.length);
    this.head = Buffer.alloc(0);
    if (rest.length > 0) this.push(rest);
    onOpen();
    this.emit('connect');
    for (const write of this.pending.splice(0)) write();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const write = (): void => void this.raw.write(chunk, callback);
    if (this.open) write();
    else this.pending.push(write);
  }

  override _read(): void {
    this.raw.resume();
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.raw.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.raw.destroy();
    callback(err);
  }

  setNoDelay(): this {
    return this;
  }
}

function tunnelError(message: string): Error {
  return Object.assign(new Error(message), { code: 'EPROXY' });
}
