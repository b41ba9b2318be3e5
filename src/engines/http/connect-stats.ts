import {
  createHistogram,
  type Histogram,
  type LatencySummary,
  recordMs,
  summarizeHistogram,
} from '../../metrics/histogram.js';

/**
 * What the result says about how one scope's connections were made (`connections` in the result). Flow services
 * (undici) report their protocol only: undici does not expose connect and handshake times.
 */
export interface ConnectionFigures {
  /** The protocol the connections spoke: "http/1.1" or "h2". */
  protocol: string;
  /** Connections opened (reconnects included). */
  opened?: number;
  /** TLS connections whose session was resumed from an earlier one. */
  resumed?: number;
  /** Through a proxy: its URL, credentials removed. */
  proxy?: string;
  /** TCP connect (through a proxy: until the tunnel is open). */
  connectMs?: LatencySummary;
  /** TLS handshake after the connect; absent over cleartext. */
  tlsHandshakeMs?: LatencySummary;
}

/** Connect and handshake times of one target's connections; a few per run, so kept in HDR histograms. */
export class ConnectStats {
  opened = 0;
  resumed = 0;
  protocol = 'http/1.1';
  private readonly connect: Histogram = createHistogram();
  private readonly handshake: Histogram = createHistogram();

  connected(ms: number): void {
    this.opened++;
    recordMs(this.connect, ms);
  }

  handshaken(ms: number, resumed: boolean): void {
    recordMs(this.handshake, ms);
    if (resumed) this.resumed++;
  }

  figures(proxy: string | undefined): ConnectionFigures {
    return {
      protocol: this.protocol,
      opened: this.opened,
      resumed: this.resumed,
      ...(proxy !== undefined && { proxy }),
      connectMs: summarizeHistogram(this.connect),
      ...(this.handshake.totalCount > 0 && { tlsHandshakeMs: summarizeHistogram(this.handshake) }),
    };
  }
}
