import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { EventSink, PublishErrorKind } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventQueuePlan } from '../../scenario/event-plan.js';
import { scrubSecrets } from '../../scenario/redact.js';
import { type BrokerAdapter, type OutgoingMessage, PublishError } from './broker-adapter.js';
import { ENVELOPE_HEADER, encodeEnvelope, nowMs } from './envelope.js';
import type { SequenceTracker } from './sequence-tracker.js';
import { type PendingPublish, PublishWindow } from './publish-window.js';
import type { Shard } from '../../scenario/shard.js';

/**
 * Where a publisher sits in the run: `producerBase` is the envelope's producer id of its first producer (a thread
 * of `run --workers` numbers its producers after the threads before it, so sequences stay per producer across
 * threads), and `shard` its stride of `{{seq}}` values, so templates never repeat a value another thread used.
 */
export interface PublisherSlot {
  producerBase: number;
  shard: Shard;
}

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

/** One publish awaiting its confirmation. */
interface Outstanding extends PendingPublish {
  readonly intendedMs: number;
  readonly seq: number;
  readonly tracker: SequenceTracker | undefined;
}

/**
 * Publishes one queue's messages over its producers in turn. Each message gets the next sequence of its producer
 * and the envelope; publish-ack latency is measured from the intended send time, so a broker that stalls
 * confirmations cannot hide the stall behind a late send. Publishes run concurrently up to the scenario's
 * in-flight cap (the engine's window); one sweep enforces the publish timeout for all of them.
 */
export class QueuePublisher {
  private readonly filler: Buffer;
  private readonly window: PublishWindow<Outstanding>;
  private next = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly plan: EventQueuePlan,
    private readonly producers: readonly BrokerAdapter[],
    private readonly trackers: readonly SequenceTracker[],
    private readonly runId: string,
    private readonly sinks: PublisherSinks,
    private readonly secrets: readonly string[],
    private readonly slot: PublisherSlot,
  ) {
    this.filler = Buffer.alloc(plan.body.kind === 'size' ? plan.body.bytes : 0, 'x');
    const timeoutMs = plan.target.publishTimeoutMs;
    this.window = new PublishWindow<Outstanding>(
      timeoutMs,
      (p) => this.count(p, new PublishError('timeout', `no confirmation within ${timeoutMs} ms`)),
      () => performance.now(),
    );
  }

  get inFlight(): number {
    return this.window.size;
  }

  dropped(count = 1): void {
    this.sinks.events.dropped(this.plan.index, count);
    this.sinks.samples.dropped(this.plan.index, count);
  }

  /** Starts a publish meant to leave at `intendedMs` (epoch-based monotonic ms); it settles in the background. */
  publish(intendedMs: number): void {
    const n = this.next++;
    const producer = n % this.producers.length;
    const adapter = this.producers[producer] as BrokerAdapter;
    const seq = Math.floor(n / this.producers.length);
    const message = this.message(n, producer, seq, intendedMs);
    // Sequences are tracked only when we consume: in produce-only mode nobody would ever settle them.
    const tracker = this.plan.consumers > 0 ? (this.trackers[producer] as SequenceTracker) : undefined;
    tracker?.published(seq, intendedMs);
    this.sinks.events.publishStarted(this.plan.index, nowMs() - intendedMs);
    const p: Outstanding = { startedAt: performance.now(), settled: false, intendedMs, seq, tracker };
    this.window.add(p);
    try {
      adapter.publish(message).then(
        () => this.confirmed(p),
        (err: unknown) => this.failed(p, err),
      );
    } catch (err) {
      this.failed(p, err); // an adapter that throws instead of rejecting
    }
  }

  /**
   * A message as this queue publishes them (body, headers, key, envelope), for warming the broker's client: it
   * takes no sequence and counts nothing.
   */
  sample(): OutgoingMessage {
    return this.message(0, 0, 0, nowMs());
  }

  /** Resolves when no publish is in flight, or after `ms`. */
  settle(ms: number): Promise<void> {
    if (this.window.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const window = this.window;
      function done(): void {
        clearTimeout(timer);
        window.close();
        resolve();
      }
      this.idle = done;
    });
  }

  private message(n: number, producer: number, seq: number, intendedMs: number): OutgoingMessage {
    const envelope = encodeEnvelope({
      runId: this.runId,
      producer: this.slot.producerBase + producer,
      seq,
      intendedMs,
      wallMs: Date.now(),
    });
    const headers: Record<string, string> = {};
    const { shard } = this.slot;
    const seqValue = n * shard.count + shard.index;
    if (this.plan.headers.length > 0) {
      const ctx = { seq: seqValue };
      for (const [name, value] of this.plan.headers) headers[name] = value.render(ctx);
    }
    headers[ENVELOPE_HEADER] = envelope;
    const b = this.plan.body;
    const body = b.kind === 'size' ? this.filler : Buffer.from(b.template.render({ seq: seqValue }));
    return this.plan.key === undefined
      ? { body, headers }
      : { body, headers, key: this.plan.key.render({ seq: seqValue }) };
  }

  private confirmed(p: Outstanding): void {
    if (!this.window.settle(p)) return; // already counted as a timeout
    const latencyMs = nowMs() - p.intendedMs;
    this.sinks.events.published(this.plan.index, latencyMs);
    this.sinks.samples.request(this.plan.index, latencyMs, undefined);
    this.afterSettle();
  }

  private failed(p: Outstanding, err: unknown): void {
    if (this.window.settle(p)) this.count(p, err); // else: already counted as a timeout
  }

  /** Counts a failed publish by kind (the sweep calls it directly for a timeout). */
  private count(p: Outstanding, err: unknown): void {
    const q = this.plan.index;
    const kind: PublishErrorKind = err instanceof PublishError ? err.kind : 'other';
    const text = scrubSecrets(err instanceof Error ? err.message : String(err), this.secrets);
    p.tracker?.failed(p.seq);
    this.sinks.events.publishFailed(q, kind);
    // A refused connection got no answer, so it has no latency; a nack or a timeout waited for one.
    this.sinks.samples.request(q, kind === 'connection' ? undefined : nowMs() - p.intendedMs, GENERIC_KIND[kind]);
    this.sinks.samples.errorSample(GENERIC_KIND[kind], `publish to ${this.plan.name}: ${text}`);
    this.afterSettle();
  }

  private afterSettle(): void {
    if (this.window.size === 0) this.idle?.();
  }
}
