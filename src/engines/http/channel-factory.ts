import type { ExecutionPlan } from '../../scenario/plan.js';
import { DEFAULT_TRANSPORT } from '../../scenario/transport-plan.js';
import type { Channel, ChannelOwner } from './channel.js';
import type { ConnectionFigures } from './connect-stats.js';
import { HttpConnection, type Origin, originOf } from './connection.js';
import { Dialer, type ResolvedTransport } from './dial.js';
import { H2RequestEncoder } from './h2-request.js';
import { H2Connection } from './h2-connection.js';
import { H2StreamSlot } from './h2-stream.js';
import { PreparedRequest } from './prepared-request.js';

/** Open model over HTTP/2: starts are spread over this many connections, each multiplexing many streams. */
const H2_OPEN_CONNECTIONS = 4;

/**
 * Makes the channels a RequestRunner sends on, for the protocol the run settled on: HTTP/1.1 connections, or
 * stream slots on a few HTTP/2 connections. In the closed model slot i lives on connection ⌊i / streams⌋, so
 * N loops × S streams open N connections; in the open model slots go round the pool.
 */
export class ChannelFactory {
  readonly prepared: readonly PreparedRequest[];
  /** Closed model: how many loops share one connection (HTTP/2 streams), 1 over HTTP/1.1. */
  readonly streams: number;
  private readonly dialer: Dialer;
  private readonly origin: Origin;
  private readonly h2: { encoder: H2RequestEncoder; connections: H2Connection[] } | undefined;
  private slots = 0;

  constructor(
    private readonly plan: ExecutionPlan,
    baseUrl: string,
    transport: ResolvedTransport | undefined,
  ) {
    const url = new URL(baseUrl);
    const basePath = url.pathname.replace(/\/$/, '');
    const base = originOf(url);
    const resolved = transport ?? { ...(plan.transport ?? DEFAULT_TRANSPORT), protocol: 'http/1.1' as const };
    this.dialer = new Dialer(base, resolved);
    this.origin = { ...base, dialer: this.dialer };
    const h2 = resolved.protocol === 'h2';
    this.streams = h2 && plan.load.model === 'closed' ? (plan.load.streams ?? 1) : 1;
    // Plain HTTP/1.1 through a proxy: absolute-form targets, and the proxy's credentials on every request.
    const prefix = this.dialer.absoluteForm ? `http://${base.authority}` : '';
    const auth = this.dialer.absoluteForm ? this.dialer.proxyAuthorization : undefined;
    this.prepared = plan.requests.map((r) => new PreparedRequest(r, prefix + basePath, base.authority, auth));
    this.h2 = h2
      ? { encoder: new H2RequestEncoder(basePath, base.authority, base.tls ? 'https' : 'http'), connections: [] }
      : undefined;
  }

  /** A new channel (lazily connected). */
  connect(owner: ChannelOwner): Channel {
    if (this.h2 === undefined) return new HttpConnection(this.origin, this.plan.timeoutMs, owner);
    const n = this.slots++;
    const index = this.plan.load.model === 'closed' ? Math.floor(n / this.streams) : n % H2_OPEN_CONNECTIONS;
    const { connections, encoder } = this.h2;
    while (connections.length <= index) {
      connections.push(new H2Connection(this.dialer, this.streams === 1 ? Infinity : this.streams));
    }
    return new H2StreamSlot(connections[index] as H2Connection, encoder, this.plan.timeoutMs, owner);
  }

  /** How this run's connections were made, for the result. */
  figures(): ConnectionFigures {
    return this.dialer.stats.figures(this.dialer.proxyDisplay);
  }

  close(): void {
    for (const c of this.h2?.connections ?? []) c.close();
  }
}
