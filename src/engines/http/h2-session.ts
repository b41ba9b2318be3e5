import type { ClientHttp2Session } from 'node:http2';
import { loadHttp2 } from './h2-codes.js';
import type { Duplex } from 'node:stream';
import type { Dialer } from './dial.js';

/** A stream slot waiting for, or using, room on a session. */
export interface StreamUser {
  /** Called when the session has room: the slot opens its stream now. */
  start(session: ClientHttp2Session): void;
  /** Called when the connection failed before the slot's stream could start. */
  fail(err: Error): void;
  /** The server sent GOAWAY on `session`: a stream of the slot's there above `lastStreamId` will never be answered. */
  goneAway(session: ClientHttp2Session, lastStreamId: number): void;
}

/**
 * One HTTP/2 connection: a ClientHttp2Session opened on demand through the Dialer (TLS with ALPN h2, or
 * prior-knowledge h2c), reopened after GOAWAY or close. At most `cap` streams run at once, and never more than
 * the server's SETTINGS_MAX_CONCURRENT_STREAMS; slots beyond that wait here, in order.
 */
export class H2Connection {
  private session: ClientHttp2Session | undefined;
  private active = 0;
  /** Nothing is sent before the server's SETTINGS say how many streams it allows: a burst could be refused. */
  private serverMax = 0;
  /** Every session not yet closed, the current one and those draining after GOAWAY: all are closed at the end. */
  private readonly open = new Set<ClientHttp2Session>();
  /** Their sockets too: a session closed gracefully after GOAWAY can leave its socket open, holding the process. */
  private readonly sockets = new Set<Duplex>();
  private readonly waiting: StreamUser[] = [];
  /** Sessions the server sent GOAWAY on: streams still closing on them are told apart from resets. */
  readonly goneAway = new WeakSet<ClientHttp2Session>();

  constructor(
    private readonly dialer: Dialer,
    private readonly authority: string,
    private readonly cap: number,
  ) {}

  /**
   * Every slot that sends on this connection, added once when the slot is made, so a GOAWAY can end the streams
   * the server will not process without following each stream (no set entry or listener per request).
   */
  private readonly users: StreamUser[] = [];

  attach(user: StreamUser): void {
    this.users.push(user);
  }

  /** Runs `user` now if a stream is free, else when one is. */
  submit(user: StreamUser): void {
    if (this.serverMax === 0) this.current();
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
    this.session = undefined;
    for (const session of this.open) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    this.open.clear();
    this.sockets.clear();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.active < Math.min(this.cap, this.serverMax)) {
      this.active++;
      (this.waiting.shift() as StreamUser).start(this.current());
    }
  }

  private current(): ClientHttp2Session {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return this.session;
    const session = loadHttp2().connect(this.authority, {
      createConnection: () => {
        const socket = this.dialer.openStream(['h2']);
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        return socket;
      },
      settings: { enablePush: false, initialWindowSize: 1 << 20 },
      // Each loop of the closed model is a stream: nghttp2's default session memory cap would refuse many.
      maxSessionMemory: 64,
    });
    session.on('connect', () => {
      this.dialer.stats.protocol = 'h2';
      session.setLocalWindowSize(1 << 24);
    });
    session.on('remoteSettings', (settings) => {
      if (this.session !== session) return;
      this.serverMax = settings.maxConcurrentStreams ?? Infinity;
      this.pump();
    });
    session.on('goaway', (_code: number, lastStreamId: number) => {
      this.goneAway.add(session);
      // Node leaves streams above the server's last stream id open though the server will never answer them.
      for (const user of this.users) user.goneAway(session, lastStreamId);
      this.forget(session);
    });
    let failure: Error | undefined;
    let settled = false;
    session.once('remoteSettings', () => (settled = true));
    session.on('close', () => {
      this.open.delete(session);
      // A connection that never got as far as SETTINGS (refused, TLS failure): the waiting slots fail with its
      // reason rather than reconnecting in a tight loop.
      if (!settled && this.session === session) {
        this.session = undefined;
        const err =
          failure ?? Object.assign(new Error('HTTP/2 connection closed before SETTINGS'), { code: 'ECONNRESET' });
        for (const user of this.waiting.splice(0)) user.fail(err);
        return;
      }
      this.forget(session);
    });
    // Errors reach the streams that were open; the session itself is replaced on next use.
    session.on('error', (err: Error) => (failure ??= err));
    this.session = session;
    this.serverMax = 0;
    this.open.add(session);
    return session;
  }

  /** The current session can take no more streams: the next ones go to a new session, once it has settings. */
  private forget(session: ClientHttp2Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.serverMax = 0;
    if (this.waiting.length > 0) this.current();
  }
}

export function notProcessed(): Error {
  return Object.assign(new Error('stream not processed: the server sent GOAWAY'), { code: 'ERR_HTTP2_GOAWAY_SESSION' });
}
