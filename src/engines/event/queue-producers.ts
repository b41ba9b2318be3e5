import type { EventSink } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventQueuePlan } from '../../scenario/event-plan.js';
import type { BrokerAdapter, ConnectionObserver } from './broker-adapter.js';
import { secretsOf, setupStep } from './broker-errors.js';
import { FOREIGN } from './consumer-runner.js';
import { nowMs } from './envelope.js';
import { type PublisherSlot, QueuePublisher } from './publisher.js';
import { SequenceTracker } from './sequence-tracker.js';
import type { WarmUpSubject } from './warm-up.js';

/**
 * The producer side of one queue, as the run's accounting needs it: where receipts go, and what is still awaited.
 * Either the producers themselves (QueueProducers, in this thread) or the main thread's view of producers running
 * in worker threads (see ProducerThreads).
 */
export interface ProducerSide {
  /** A consumer took up a message: `producer` and `seq` from its envelope (FOREIGN when it had none of ours). */
  receipt(consumer: number, producer: number, seq: number, e2eMs: number): void;
  /** After a batch of receipts: a side that forwards them may send the batch on now. */
  receiptsDone?(): void;
  /** Published and confirmed-or-pending, not yet consumed by us. */
  readonly outstanding: number;
  /** Intended send time of the oldest message still awaited, or undefined when none is. */
  oldestOutstandingMs(): number | undefined;
  /** The intended send time of every message still awaited (at the end of the drain). */
  forEachOutstanding(visit: (intendedMs: number) => void): void;
}

export interface ProducerDeps {
  runId: string;
  events: EventSink;
  samples: SampleSink;
}

/**
 * One queue's producer connections in this thread, their publisher, and a sequence tracker per producer that joins
 * each publish to its receipt. Receipts from producers of another thread never reach it: they are routed to the
 * thread whose producer id range holds them.
 */
export class QueueProducers implements ProducerSide {
  readonly publisher: QueuePublisher;
  private readonly trackers: SequenceTracker[];

  private constructor(
    private readonly plan: EventQueuePlan,
    private readonly adapters: readonly BrokerAdapter[],
    private readonly deps: ProducerDeps,
    private readonly slot: PublisherSlot,
  ) {
    this.trackers = adapters.map(() => new SequenceTracker());
    this.publisher = new QueuePublisher(plan, adapters, this.trackers, deps.runId, deps, secretsOf(plan.target), slot);
  }

  /**
   * Connects `plan.producers` producers and, unless told otherwise, prepares the destination; a failure closes
   * those opened and is a RunError (exit 3). A producer thread prepares later (`prepare`), once the main thread has:
   * the connection that creates a destination is the one that removes it at the end.
   */
  static async connect(
    plan: EventQueuePlan,
    deps: ProducerDeps,
    create: (observer: ConnectionObserver) => Promise<BrokerAdapter>,
    observer: ConnectionObserver,
    slot: PublisherSlot,
    prepare = true,
  ): Promise<QueueProducers> {
    const t = plan.target;
    const adapters: BrokerAdapter[] = [];
    try {
      for (let i = 0; i < plan.producers; i++) {
        const adapter = await create(observer);
        adapters.push(adapter);
        await setupStep(adapter.connect(), `cannot connect to ${t.display}`, t);
      }
      const producers = new QueueProducers(plan, adapters, deps, slot);
      if (prepare) await producers.prepare();
      return producers;
    } catch (err) {
      await Promise.all(adapters.map((p) => p.close()));
      throw err;
    }
  }

  /** Prepares the destination on every producer's connection (each adapter may keep what it learns). */
  async prepare(): Promise<void> {
    const t = this.plan.target;
    await setupStep(this.first.prepare(), `${t.display}: cannot prepare ${t.destination}`, t);
    for (const p of this.adapters.slice(1)) await p.prepare();
  }

  /** The first producer's connection: it prepares the destination, reads the lag and removes what the run made. */
  get first(): BrokerAdapter {
    return this.adapters[0] as BrokerAdapter;
  }

  /** The first producer's connection and a message of this queue, for warm-up.ts. */
  get warmUpSubject(): WarmUpSubject {
    return { adapter: this.first, sample: this.publisher.sample(), mayCreate: this.plan.target.create };
  }

  receipt(consumer: number, producer: number, seq: number, e2eMs: number): void {
    const q = this.plan.index;
    const local = producer - this.slot.producerBase;
    const tracker = producer === FOREIGN ? undefined : this.trackers[local];
    if (tracker === undefined) return this.deps.events.foreign(q);
    const outcome = tracker.received(seq, consumer, (intendedMs) =>
      this.deps.events.missing(q, 'lost', nowMs() - intendedMs),
    );
    if (outcome === 'duplicate') this.deps.events.duplicate(q);
    else if (outcome === 'unknown') this.deps.events.foreign(q);
    else this.deps.events.consumed(q, e2eMs, outcome === 'reordered');
  }

  get outstanding(): number {
    return this.plan.consumers === 0 ? 0 : this.trackers.reduce((a, t) => a + t.outstanding, 0);
  }

  oldestOutstandingMs(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.trackers) {
      const ms = t.oldestOutstandingMs();
      if (ms !== undefined && (oldest === undefined || ms < oldest)) oldest = ms;
    }
    return oldest;
  }

  forEachOutstanding(visit: (intendedMs: number) => void): void {
    for (const t of this.trackers) t.forEachOutstanding(visit);
  }

  close(): Promise<void> {
    return Promise.all(this.adapters.map((p) => p.close())).then(() => undefined);
  }
}
