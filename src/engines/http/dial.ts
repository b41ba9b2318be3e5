import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { TransportPlan } from '../../scenario/transport-plan.js';
import { redactUrl } from '../../scenario/redact.js';
import { ConnectStats } from './connect-stats.js';
import { proxyFor } from './proxy-env.js';
import { proxyAuthorization, ProxyTunnel } from './proxy-tunnel.js';

/** The protocol a run's connections speak once `http: auto` has been settled by ALPN. */
export type Protocol = 'http/1.1' | 'h2';

/** A transport with its protocol settled (and, for a TLS demo, its certificate trusted). */
export interface ResolvedTransport extends TransportPlan {
  protocol: Protocol;
}

export interface DialOrigin {
  host: string;
  port: number;
  tls: boolean;
}

/**
 * Opens sockets to one origin: plain TCP, TLS (with the scenario's CA, client certificate, SNI name and
 * `insecure`), or through a proxy. HTTPS (and h2c) go through a CONNECT tunnel; plain HTTP/1.1 goes to the
 * proxy itself with absolute-form request targets, as curl does, because many proxies allow CONNECT only to
 * port 443. The last TLS session is kept and offered on the next connect, so reconnects resume rather than
 * pay a full handshake. Connect and handshake times go to `stats`.
 */
export class Dialer {
  readonly proxy: URL | undefined;
  readonly stats = new ConnectStats();
  private session: Buffer | undefined;

  constructor(
    readonly origin: DialOrigin,
    readonly transport: TransportPlan,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const scheme = origin.tls ? 'https' : 'http';
    const host = isIP(origin.host) === 6 ? `[${origin.host}]` : origin.host;
    this.proxy = proxyFor(new URL(`${scheme}://${host}:${origin.port}`), transport.proxy, env);
  }

  /** Plain HTTP/1.1 through a proxy: requests carry absolute-form targets and the proxy's credentials. */
  get absoluteForm(): boolean {
    return this.proxy !== undefined && !this.origin.tls;
  }

  get proxyAuthorization(): string | undefined {
    return this.proxy === undefined ? undefined : proxyAuthorization(this.proxy);
  }

  /** The proxy as it may be shown: credentials removed. */
  get proxyDisplay(): string | undefined {
    return this.proxy === undefined ? undefined : redactUrl(this.proxy.href);
  }

  /** A socket for HTTP/1.1 (usable at once: writes wait for the connect and handshake). */
  open(alpn: readonly string[]): Socket {
    const started = performance.now();
    if (this.origin.tls) return this.secure(alpn, started);
    const to = this.proxy ?? undefined;
    const socket = to
      ? netConnect({ host: to.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(to.port || 80), noDelay: true })
      : netConnect({ host: this.origin.host, port: this.origin.port, noDelay: true });
    socket.once('connect', () => this.stats.connected(performance.now() - started));
    return socket;
  }

  /** A stream for HTTP/2: as `open`, except that cleartext h2c through a proxy needs a tunnel too. */
  openStream(alpn: readonly string[]): Duplex {
    if (this.origin.tls || this.proxy === undefined) return this.open(alpn);
    const started = performance.now();
    return new ProxyTunnel(this.proxy, this.origin.host, this.origin.port, () =>
      this.stats.connected(performance.now() - started),
    );
  }

  /** TLS options for this origin; `alpn` lists the protocols offered. Used by the pre-flight check too. */
  tlsOptions(alpn: readonly string[]): ConnectionOptions {
    const { tls } = this.transport;
    const servername = tls.servername ?? (isIP(this.origin.host) === 0 ? this.origin.host : undefined);
    return {
      host: this.origin.host,
      port: this.origin.port,
      ...(servername !== undefined && { servername }),
      ALPNProtocols: [...alpn],
      rejectUnauthorized: !tls.insecure,
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.cert !== undefined && { cert: tls.cert, key: tls.key }),
      ...(this.session !== undefined && { session: this.session }),
    };
  }

  private secure(alpn: readonly string[], started: number): TLSSocket {
    let connectedAt = started;
    const options = this.tlsOptions(alpn);
    let socket: TLSSocket;
    if (this.proxy !== undefined) {
      const tunnel = new ProxyTunnel(this.proxy, this.origin.host, this.origin.port, () => {
        connectedAt = performance.now();
        this.stats.connected(connectedAt - started);
      });
      socket = tlsConnect({ ...options, socket: tunnel });
    } else {
      socket = tlsConnect(options);
      socket.once('connect', () => {
        connectedAt = performance.now();
        this.stats.connected(connectedAt - started);
      });
    }
    socket.setNoDelay(true);
    socket.once('secureConnect', () =>
      this.stats.handshaken(performance.now() - connectedAt, socket.isSessionReused()),
    );
    socket.on('session', (session: Buffer) => (this.session = session));
    return socket;
  }
}
