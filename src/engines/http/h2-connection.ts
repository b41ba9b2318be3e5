import type { Dialer } from './dial.js';
import { H2Session } from './h2-session.js';
import { DEFAULT_WINDOWS, type SessionOwner, type SessionWindows, type StreamUser } from './h2-stream-user.js';

/**
 * One HTTP/2 connection of the pool: a session opened on demand through the Dialer (TLS with ALPN h2, or
 * prior-knowledge h2c), and reopened after GOAWAY or close. At most `cap` streams run on it at once, and never
 * more than the server's SETTINGS_MAX_CONCURRENT_STREAMS; nothing is sent before the server's SETTINGS say how
 * many it allows (a burst could be refused). Slots beyond that wait here, in order.
 */
export class H2Connection implements SessionOwner {
  private session: H2Session | undefined;
  /** Every session whose socket is still open, the current one and those draining after GOAWAY. */
  private readonly sessions = new Set<H2Session>();
  private readonly waiting: StreamUser[] = [];

  constructor(
    private readonly dialer: Dialer,
    private readonly cap: number,
    private readonly windows: SessionWindows = DEFAULT_WINDOWS,
  ) {}

  /** Runs `user` now if a stream is free, else when one is. */
  submit(user: StreamUser): void {
    const session = this.current();
    if (this.hasRoom(session)) user.start(session);
    else this.waiting.push(user);
  }

  /** Forgets a slot that gave up waiting (timeout). */
  withdraw(user: StreamUser): boolean {
    const i = this.waiting.indexOf(user);
    if (i >= 0) this.waiting.splice(i, 1);
    return i >= 0;
  }

  preconnect(): Promise<void> {
    return this.current().ready();
  }

  close(): void {
    this.session = undefined;
    this.waiting.length = 0;
    for (const session of this.sessions) session.close();
    this.sessions.clear();
  }

  settled(session: H2Session): void {
    if (session !== this.session) return;
    this.dialer.stats.protocol = 'h2';
    this.pump();
  }

  released(session: H2Session): void {
    if (session === this.session && this.waiting.length > 0) this.pump();
  }

  goneAway(session: H2Session): void {
    if (session !== this.session) return;
    this.session = undefined;
    if (this.waiting.length > 0) this.current();
  }

  closed(session: H2Session, err: Error | undefined, settled: boolean): void {
    if (session !== this.session) return;
    this.session = undefined;
    if (settled) {
      if (this.waiting.length > 0) this.current();
      return;
    }
    // A connection that never got as far as SETTINGS (refused, TLS failure): the waiting slots fail with its
    // reason rather than reconnecting in a tight loop.
    const reason = err ?? Object.assign(new Error('HTTP/2 connection closed before SETTINGS'), { code: 'ECONNRESET' });
    for (const user of this.waiting.splice(0)) user.fail(reason);
  }

  detached(session: H2Session): void {
    this.sessions.delete(session);
  }

  private hasRoom(session: H2Session): boolean {
    return session.open && session.active < Math.min(this.cap, session.peerMaxStreams);
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const session = this.current();
      if (!this.hasRoom(session)) return;
      (this.waiting.shift() as StreamUser).start(session);
    }
  }

  /** The session new streams go to: the current one while it can take streams, else a new one. */
  private current(): H2Session {
    const s = this.session;
    if (s !== undefined && !s.closed && !s.goneAway && (s.open || !s.settled)) return s;
    const session = new H2Session(this.dialer.openStream(['h2']), this, this.windows);
    this.session = session;
    this.sessions.add(session);
    return session;
  }
}
