import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { EventSink, PublishErrorKind } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventQueuePlan } from '../../scenario/event-plan.js';
import { scrubSecrets } from '../../scenario/redact.js';
import { type BrokerAdapter, type OutgoingMessage, PublishError } from './broker-adapter.js';
import { ENVELOPE_HEADER, encodeEnvelope, nowMs } from './envelope.js';
import type { SequenceTracker } from './sequence-tracker.js';

/** How a failed publish shows among the run's error kinds (the HTTP table, Prometheus, JUnit). */
const GENERIC_KIND = {
  nack: 'nack',
  timeout: 'timeout',
  connection: 'connect_reset',
  other: 'other',
} as const satisfies Record<PublishErrorKind, ErrorKind>;

export interface PublisherSinks {
  events: EventSink;
  /** Publishes are the run's "requests": one scope per queue, so the standard tables and exporters show them. */
  samples: SampleSink;
}

/**
 * Publishes one queue's messages over its producers in turn. Each message gets the next sequence of its producer
 * and the envelope; publish-ack latency is measured from the intended send time, so a broker that stalls
 * confirmations cannot hide the stall behind a late send.
 */
export class QueuePublisher {
  private readonly filler: Buffer;
  private next = 0;
  private pending = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly plan: EventQueuePlan,
    private readonly producers: readonly BrokerAdapter[],
    private readonly trackers: readonly SequenceTracker[],
    private readonly runId: string,
    private readonly sinks: PublisherSinks,
    private readonly secrets: readonly string[],
  ) {
    this.filler = Buffer.alloc(plan.body.kind === 'size' ? plan.body.bytes : 0, 'x');
  }

  get inFlight(): number {
    return this.pending;
  }

  dropped(): void {
    this.sinks.events.dropped(this.plan.index);
    this.sinks.samples.dropped(this.plan.index);
  }

  /** Starts a publish meant to leave at `intendedMs` (epoch-based monotonic ms); it settles in the background. */
  publish(intendedMs: number): void {
    const n = this.next++;
    const producer = n % this.producers.length;
    const adapter = this.producers[producer] as BrokerAdapter;
    const tracker = this.trackers[producer] as SequenceTracker;
    const seq = Math.floor(n / this.producers.length);
    const message = this.message(n, producer, seq, intendedMs);
    // Sequences are tracked only when we consume: in produce-only mode nobody would ever settle them.
    const tracked = this.plan.consumers > 0;
    if (tracked) tracker.published(seq, intendedMs);
    this.sinks.events.publishStarted(this.plan.index, nowMs() - intendedMs);
    this.pending++;
    void this.send(adapter, message, intendedMs).then((kind) => {
      if (kind !== undefined && tracked) tracker.failed(seq);
      this.pending--;
      if (this.pending === 0) this.idle?.();
    });
  }

  /** Resolves when no publish is in flight, or after `ms`. */
  settle(ms: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idle = done;
    });
  }

  private message(n: number, producer: number, seq: number, intendedMs: number): OutgoingMessage {
    const envelope = encodeEnvelope({ runId: this.runId, producer, seq, intendedMs, wallMs: Date.now() });
    const ctx = { seq: n };
    const headers: Record<string, string> = {};
    for (const [name, value] of this.plan.headers) headers[name] = value.render(ctx);
    headers[ENVELOPE_HEADER] = envelope;
    const b = this.plan.body;
    const body = b.kind === 'size' ? this.filler : Buffer.from(b.template.render(ctx));
    return this.plan.key === undefined ? { body, headers } : { body, headers, key: this.plan.key.render(ctx) };
  }

  /** Publishes with the timeout; returns the failure kind, or undefined when the broker confirmed. */
  private async send(
    adapter: BrokerAdapter,
    message: OutgoingMessage,
    intendedMs: number,
  ): Promise<PublishErrorKind | undefined> {
    const q = this.plan.index;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.plan.target.publishTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishError('timeout', `no confirmation within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([adapter.publish(message), timeout]);
      const latencyMs = nowMs() - intendedMs;
      this.sinks.events.published(q, latencyMs);
      this.sinks.samples.request(q, latencyMs, undefined);
      return undefined;
    } catch (err) {
      const kind: PublishErrorKind = err instanceof PublishError ? err.kind : 'other';
      const text = scrubSecrets(err instanceof Error ? err.message : String(err), this.secrets);
      this.sinks.events.publishFailed(q, kind);
      // A refused connection got no answer, so it has no latency; a nack or a timeout waited for one.
      this.sinks.samples.request(q, kind === 'connection' ? undefined : nowMs() - intendedMs, GENERIC_KIND[kind]);
      this.sinks.samples.errorSample(GENERIC_KIND[kind], `publish to ${this.plan.name}: ${text}`);
      return kind;
    } finally {
      clearTimeout(timer);
    }
  }
}
