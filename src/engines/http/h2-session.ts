import { type ClientHttp2Session, connect, constants } from 'node:http2';
import type { Dialer } from './dial.js';

/** A stream slot waiting for, or using, room on a session. */
export interface StreamUser {
  /** Called when the session has room: the slot opens its stream now. */
  start(session: ClientHttp2Session): void;
}

/**
 * One HTTP/2 connection: a ClientHttp2Session opened on demand through the Dialer (TLS with ALPN h2, or
 * prior-knowledge h2c), reopened after GOAWAY or close. At most `cap` streams run at once, and never more than
 * the server's SETTINGS_MAX_CONCURRENT_STREAMS; slots beyond that wait here, in order.
 */
export class H2Connection {
  private session: ClientHttp2Session | undefined;
  private active = 0;
  private serverMax = Infinity;
  private readonly waiting: StreamUser[] = [];
  /** Sessions the server sent GOAWAY on: streams still closing on them are told apart from resets. */
  readonly goneAway = new WeakSet<ClientHttp2Session>();

  constructor(
    private readonly dialer: Dialer,
    private readonly authority: string,
    private readonly cap: number,
  ) {}

  /** Runs `user` now if a stream is free, else when one is. */
  submit(user: StreamUser): void {
    if (this.active < Math.min(this.cap, this.serverMax)) {
      this.active++;
      user.start(this.current());
    } else {
      this.waiting.push(user);
    }
  }

  /** A stream ended: its room goes to the next waiting slot. */
  release(): void {
    this.active--;
    this.pump();
  }

  /** Forgets a slot that gave up waiting (timeout). */
  withdraw(user: StreamUser): boolean {
    const i = this.waiting.indexOf(user);
    if (i >= 0) this.waiting.splice(i, 1);
    return i >= 0;
  }

  preconnect(): Promise<void> {
    const session = this.current();
    return new Promise((resolve) => {
      if (!session.connecting) return resolve();
      session.once('connect', () => resolve());
      session.once('close', () => resolve());
    });
  }

  close(): void {
    const session = this.session;
    this.session = undefined;
    session?.destroy();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.active < Math.min(this.cap, this.serverMax)) {
      this.active++;
      (this.waiting.shift() as StreamUser).start(this.current());
    }
  }

  private current(): ClientHttp2Session {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return this.session;
    const session = connect(this.authority, {
      createConnection: () => this.dialer.openStream(['h2']),
      settings: { enablePush: false, initialWindowSize: 1 << 20 },
      // Each loop of the closed model is a stream: nghttp2's default session memory cap would refuse many.
      maxSessionMemory: 64,
    });
    session.on('connect', () => {
      this.dialer.stats.protocol = 'h2';
      session.setLocalWindowSize(1 << 24);
    });
    session.on('remoteSettings', (settings) => {
      this.serverMax = settings.maxConcurrentStreams ?? Infinity;
      this.pump();
    });
    session.on('goaway', () => {
      this.goneAway.add(session);
      if (this.session === session) this.session = undefined;
    });
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    // Errors reach the streams that were open; the session itself is simply replaced on next use.
    session.on('error', () => {});
    this.session = session;
    return session;
  }
}

/** RST_STREAM codes with an error kind of their own; others are h2_rst_other. */
export const RST_KINDS = {
  [constants.NGHTTP2_REFUSED_STREAM]: 'h2_rst_refused_stream',
  [constants.NGHTTP2_CANCEL]: 'h2_rst_cancel',
  [constants.NGHTTP2_INTERNAL_ERROR]: 'h2_rst_internal_error',
} as const;
