import type { EventSink } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventQueuePlan } from '../../scenario/event-plan.js';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  LagUnavailable,
  type LagReading,
} from './broker-adapter.js';
import { describeError, setupStep } from './broker-errors.js';
import { type ConsumerHost, InlineConsumerHost, SpreadConsumerHost, WorkerConsumerHost } from './consumer-host.js';
import { nowMs } from './envelope.js';
import type { ProducerThreads } from './producer-threads.js';
import { type ProducerSide, QueueProducers } from './queue-producers.js';
import { WHOLE } from '../../scenario/shard.js';
import { within } from '../engine.js';

/** How adapters are made: by URL scheme for real brokers; the demo broker hands out its own. */
export interface AdapterSource {
  create(target: BrokerTarget, observer: ConnectionObserver): Promise<BrokerAdapter>;
  /** The demo broker lives in this thread's memory, so its consumers must too. */
  readonly consumersInline: boolean;
}

export interface QueueRunDeps {
  runId: string;
  adapters: AdapterSource;
  events: EventSink;
  samples: SampleSink;
  /** Threads a queue's consumers may spread over (`--workers`); one by default; 0 is this thread. */
  consumerThreads?: number;
}

const LAG_READ_TIMEOUT_MS = 3000;
const CLOSE_WAIT_MS = 1000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One queue of an event run: its producers (this thread, or worker threads with `--workers`), its consumers (a
 * worker thread), the sequence accounting joining the two, and the broker's lag for it, read by one connection.
 */
export class QueueRun {
  private host: ConsumerHost | undefined;
  private lagSource = '';
  private lagBusy = false;
  /** The reading under way, if any: the final one waits for it rather than reporting the one before. */
  private lagReading: Promise<number | null> | undefined;
  lastBrokerLag: number | null = null;
  /** How many readings in a row found the broker's lag at zero (a drain can end on it, see EventEngine). */
  zeroLagStreak = 0;

  private constructor(
    readonly plan: EventQueuePlan,
    /** The producers in this thread; undefined when worker threads publish. */
    readonly local: QueueProducers | undefined,
    private readonly producers: ProducerSide,
    /** The connection that prepares the destination, reads the lag and removes what the run made. */
    private readonly admin: BrokerAdapter,
    private readonly deps: QueueRunDeps,
  ) {}

  /**
   * Connects the producers (or, when `threads` publish, one connection for the lag), prepares the destination and
   * starts the consumers; a failure is a RunError (exit 3).
   */
  static async open(plan: EventQueuePlan, deps: QueueRunDeps, threads?: ProducerThreads): Promise<QueueRun> {
    const t = plan.target;
    const observer = (role: string): ConnectionObserver => ({
      lost: (err) => {
        deps.events.connectionLost(plan.index);
        deps.samples.errorSample('connect_reset', `${role} ${plan.name}: connection lost: ${describeError(err, t)}`);
      },
      restored: () => deps.events.connectionRestored(plan.index),
      groupRecreated: () => deps.events.groupRecreated(plan.index),
    });
    const create = (o: ConnectionObserver): Promise<BrokerAdapter> => deps.adapters.create(t, o);
    let run: QueueRun | undefined;
    let local: QueueProducers | undefined;
    let admin: BrokerAdapter | undefined;
    try {
      if (threads === undefined) {
        local = await QueueProducers.connect(plan, deps, create, observer('producer'), {
          producerBase: 0,
          shard: WHOLE,
        });
        admin = local.first;
      } else {
        admin = await create(observer('lag reader'));
        await setupStep(admin.connect(), `cannot connect to ${t.display}`, t);
        await setupStep(admin.prepare(), `${t.display}: cannot prepare ${t.destination}`, t);
      }
      run = new QueueRun(plan, local, local ?? (threads as ProducerThreads).side(plan), admin, deps);
      const consumers = run.startConsumers(observer('consumer'));
      await setupStep(consumers, `${t.display}: consumers of ${t.destination} did not start`, t);
      return run;
    } catch (err) {
      await run?.host?.stop();
      await (local?.close() ?? admin?.close());
      throw err;
    }
  }

  private async startConsumers(observer: ConnectionObserver): Promise<void> {
    if (this.plan.consumers === 0) return;
    const settings = {
      count: this.plan.consumers,
      prefetch: this.plan.prefetch,
      processingDelayMs: this.plan.processingDelayMs,
      runId: this.deps.runId,
    };
    const producers = this.producers;
    const events = {
      ...observer,
      receipt: (consumer: number, producer: number, seq: number, e2eMs: number) =>
        producers.receipt(consumer, producer, seq, e2eMs),
      receiptsDone: () => producers.receiptsDone?.(),
    };
    const data = { target: this.plan.target, settings };
    const threads = this.deps.consumerThreads ?? 1;
    this.host =
      this.deps.adapters.consumersInline || threads === 0
        ? new InlineConsumerHost((o) => this.deps.adapters.create(this.plan.target, o), settings, events)
        : threads > 1 && settings.count > 1
          ? new SpreadConsumerHost(data, threads, events)
          : new WorkerConsumerHost(data, events);
    await this.host.start();
  }

  /** Published and confirmed-or-pending, not yet consumed by us (0 in produce-only mode). */
  get outstanding(): number {
    return this.plan.consumers === 0 ? 0 : this.producers.outstanding;
  }

  /** Reads the broker's lag (plus our own view) into the sink; returns the broker figure, null when unreadable. */
  sampleLag(): Promise<number | null> {
    if (this.lagBusy) return Promise.resolve(this.lastBrokerLag);
    this.lagReading = this.readLag();
    return this.lagReading;
  }

  private async readLag(): Promise<number | null> {
    this.lagBusy = true;
    let broker: number | null = null;
    try {
      const reading = await withTimeout(this.admin.lag(), LAG_READ_TIMEOUT_MS, 'reading lag');
      broker = reading.messages + (reading.excludesUnacked ? (this.host?.held ?? 0) : 0);
      this.lagSource = this.describeSource(reading);
    } catch (err) {
      if (err instanceof LagUnavailable) this.lagSource = err.message;
      else this.deps.samples.errorSample('other', `lag of ${this.plan.name}: ${describeError(err, this.plan.target)}`);
    } finally {
      this.lagBusy = false;
    }
    const consuming = this.plan.consumers > 0;
    const oldest = consuming ? this.producers.oldestOutstandingMs() : undefined;
    const timeLagMs = oldest === undefined ? 0 : Math.max(0, nowMs() - oldest);
    this.deps.events.lag(this.plan.index, { broker, client: this.outstanding, timeLagMs }, this.lagSource);
    this.lastBrokerLag = broker;
    this.zeroLagStreak = broker === 0 ? this.zeroLagStreak + 1 : 0;
    return broker;
  }

  private describeSource(r: LagReading): string {
    if (!r.excludesUnacked) return r.source;
    return this.plan.consumers > 0
      ? `${r.source} + unacknowledged counted by our consumers`
      : `${r.source}; unacknowledged not included (a lower bound: see the adapter's options)`;
  }

  /**
   * End of the drain: stops the consumers, takes the final lag reading, and accounts for every message still
   * awaited. As many as the broker still holds are undelivered (the newest ones: a queue delivers oldest first);
   * the rest are gone from the broker, hence lost. Both go into the e2e tail at their age now.
   */
  async finish(cleanup: boolean): Promise<void> {
    await this.stopConsumers();
    await this.lagReading; // bounded by LAG_READ_TIMEOUT_MS, and never rejects
    const brokerFinal = await this.sampleLag();
    // Produce-only: the application's consumers account for the messages, and its group's lag (just read) says how
    // far they got; nothing of ours awaited them, so nothing is lost, undelivered or in the e2e tail.
    if (this.plan.consumers > 0) this.accountForOutstanding(brokerFinal);
    // Bounded: a broker that is gone (or slow) must not hold the end of the run for a client's own timeouts.
    if (cleanup && this.plan.target.create) await within(this.admin.destroy?.(), CLOSE_WAIT_MS);
    await within(this.local?.close() ?? this.admin.close(), CLOSE_WAIT_MS);
  }

  /** Stops the consumers; every receipt they produced has been handed to the producer side when it resolves. */
  async stopConsumers(): Promise<void> {
    await this.host?.stop();
  }

  private accountForOutstanding(brokerFinal: number | null): void {
    const ages: number[] = [];
    const now = nowMs();
    this.producers.forEachOutstanding((intendedMs) => ages.push(now - intendedMs));
    ages.sort((a, b) => b - a);
    const undelivered = brokerFinal === null ? ages.length : Math.min(ages.length, brokerFinal);
    const lost = ages.length - undelivered;
    ages.forEach((age, i) => this.deps.events.missing(this.plan.index, i < lost ? 'lost' : 'undelivered', age));
  }
}
