import { performance } from 'node:perf_hooks';
import { type Msg, type MsgHdrs, type NatsConnection, type Subscription, createInbox } from '@nats-io/transport-node';
import { PublishError } from '../broker-adapter.js';

interface Awaited {
  readonly startedAt: number;
  readonly resolve: () => void;
  readonly reject: (err: PublishError) => void;
}

/** What JetStream answers a publish with: `{ stream, seq }`, or `{ error: { code, description } }`. */
interface PubAck {
  error?: { code?: number; description?: string };
}

/**
 * JetStream's asynchronous publish: each message goes out with a reply subject of ours, and one subscription to
 * those subjects settles it when its PubAck arrives, so any number of publishes are in flight at once (the
 * scenario's window bounds them). nats.js's `js.publish()` makes each publish a request of its own: a timer, a
 * Promise.race, and, on every success, an Error built with its stack trace for cancelling the request it has
 * just resolved; that was the largest item of a JetStream run's profile. The timeout is one sweep for all.
 */
export class JetStreamPublisher {
  private readonly prefix = `${createInbox()}.`;
  private readonly awaiting = new Map<string, Awaited>();
  private readonly replies: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.replies = nc.subscribe(`${this.prefix}*`, {
      callback: (err, msg) => {
        if (err === null) this.answered(msg);
      },
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1000, timeoutMs / 10))).unref();
  }

  /** Settles when the stream has stored the message; rejects with what JetStream (or the connection) said. */
  publish(subject: string, body: Uint8Array, headers: MsgHdrs | undefined): Promise<void> {
    const token = (this.next++).toString(36);
    return new Promise((resolve, reject) => {
      this.awaiting.set(token, { startedAt: performance.now(), resolve, reject });
      try {
        this.nc.publish(subject, body, { reply: this.prefix + token, headers });
      } catch (err) {
        this.awaiting.delete(token);
        reject(new PublishError('connection', err instanceof Error ? err.message : String(err), { cause: err }));
      }
    });
  }

  get inFlight(): number {
    return this.awaiting.size;
  }

  private answered(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const p = this.awaiting.get(token);
    if (p === undefined) return; // already timed out
    this.awaiting.delete(token);
    // An empty message with status 503: no stream captures the subject.
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      return p.reject(new PublishError('nack', 'no stream captures the subject (no responders)'));
    }
    let ack: PubAck;
    try {
      ack = msg.json<PubAck>();
    } catch {
      return p.reject(new PublishError('other', 'JetStream answered with something that is not a PubAck'));
    }
    if (ack.error === undefined) return p.resolve();
    p.reject(new PublishError('nack', ack.error.description ?? `JetStream error ${ack.error.code ?? ''}`.trim()));
  }

  /** Publishes unanswered for the timeout have timed out; a late PubAck for them counts for nothing. */
  private sweep(): void {
    const deadline = performance.now() - this.timeoutMs;
    for (const [token, p] of this.awaiting) {
      // Map order is insertion order: the oldest come first.
      if (p.startedAt > deadline) break;
      this.awaiting.delete(token);
      p.reject(new PublishError('timeout', `no PubAck within ${this.timeoutMs} ms`));
    }
  }

  /** Stops listening; whatever is still awaited fails as a connection loss. */
  close(): void {
    clearInterval(this.sweeper);
    this.replies.unsubscribe();
    for (const p of this.awaiting.values()) p.reject(new PublishError('connection', 'the NATS connection closed'));
    this.awaiting.clear();
  }
}
