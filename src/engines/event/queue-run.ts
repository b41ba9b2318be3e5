import { RunError } from '../../errors.js';
import type { EventSink } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventQueuePlan } from '../../scenario/event-plan.js';
import { isSecretParam, redactUrlsInText, scrubSecrets } from '../../scenario/redact.js';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  LagUnavailable,
  type LagReading,
} from './broker-adapter.js';
import { type ConsumerHost, InlineConsumerHost, WorkerConsumerHost } from './consumer-host.js';
import { FOREIGN } from './consumer-runner.js';
import { nowMs } from './envelope.js';
import { QueuePublisher } from './publisher.js';
import { SequenceTracker } from './sequence-tracker.js';

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
}

const LAG_READ_TIMEOUT_MS = 3000;
const CLOSE_WAIT_MS = 1000;

/** The password of a broker URL, as written and decoded: error texts from client libraries may quote either. */
export function secretsOf(target: BrokerTarget): string[] {
  try {
    const u = new URL(target.url);
    const params = [...u.searchParams].filter(([name]) => isSecretParam(name)).map(([, value]) => value);
    return [...new Set([u.password, decodeURIComponent(u.password), ...params])].filter((s) => s !== '');
  } catch {
    return []; // not a URL (the demo broker): nothing to scrub
  }
}

/** User-facing text of an error from a broker client: credentials never appear in it. */
export function describeError(err: unknown, target: BrokerTarget): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return redactUrlsInText(scrubSecrets(text, secretsOf(target)));
}

/** Waits for `promise` (its outcome ignored) at most `ms`. */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise?.catch(() => undefined), late]);
  clearTimeout(timer);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One queue of an event run: its producers (main thread), its consumers (a worker thread), the sequence trackers
 * joining the two, and the broker's lag for it.
 */
export class QueueRun {
  readonly publisher: QueuePublisher;
  private readonly trackers: SequenceTracker[];
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
    private readonly producers: BrokerAdapter[],
    private readonly deps: QueueRunDeps,
  ) {
    this.trackers = producers.map(() => new SequenceTracker());
    this.publisher = new QueuePublisher(plan, producers, this.trackers, deps.runId, deps, secretsOf(plan.target));
  }

  /** Connects the producers, prepares the destination and starts the consumers; a failure is a RunError (exit 3). */
  static async open(plan: EventQueuePlan, deps: QueueRunDeps): Promise<QueueRun> {
    const t = plan.target;
    const observer = (role: string): ConnectionObserver => ({
      lost: (err) => {
        deps.events.connectionLost(plan.index);
        deps.samples.errorSample('connect_reset', `${role} ${plan.name}: connection lost: ${describeError(err, t)}`);
      },
      restored: () => deps.events.connectionRestored(plan.index),
      groupRecreated: () => deps.events.groupRecreated(plan.index),
    });
    const producers: BrokerAdapter[] = [];
    let run: QueueRun | undefined;
    try {
      for (let i = 0; i < plan.producers; i++) {
        const adapter = await deps.adapters.create(t, observer('producer'));
        producers.push(adapter);
        await step(adapter.connect(), `cannot connect to ${t.display}`);
      }
      await step((producers[0] as BrokerAdapter).prepare(), `${t.display}: cannot prepare ${t.destination}`);
      for (const p of producers.slice(1)) await p.prepare();
      run = new QueueRun(plan, producers, deps);
      await step(run.startConsumers(observer('consumer')), `${t.display}: consumers of ${t.destination} did not start`);
      return run;
    } catch (err) {
      await run?.host?.stop();
      await Promise.all(producers.map((p) => p.close()));
      throw err;
    }

    async function step<T>(promise: Promise<T>, what: string): Promise<T> {
      try {
        return await promise;
      } catch (err) {
        if (err instanceof RunError) throw err;
        throw new RunError(`${what}: ${describeError(err, t)}`, { cause: err });
      }
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
    const events = { ...observer, receipt: this.receipt };
    this.host = this.deps.adapters.consumersInline
      ? new InlineConsumerHost((o) => this.deps.adapters.create(this.plan.target, o), settings, events)
      : new WorkerConsumerHost({ target: this.plan.target, settings }, events);
    await this.host.start();
  }

  private readonly receipt = (consumer: number, producer: number, seq: number, e2eMs: number): void => {
    const q = this.plan.index;
    const tracker = producer === FOREIGN ? undefined : this.trackers[producer];
    if (tracker === undefined) return this.deps.events.foreign(q);
    const outcome = tracker.received(seq, consumer, (intendedMs) =>
      this.deps.events.missing(q, 'lost', nowMs() - intendedMs),
    );
    if (outcome === 'duplicate') this.deps.events.duplicate(q);
    else if (outcome === 'unknown') this.deps.events.foreign(q);
    else this.deps.events.consumed(q, e2eMs, outcome === 'reordered');
  };

  /** Published and confirmed-or-pending, not yet consumed by us (0 in produce-only mode). */
  get outstanding(): number {
    return this.plan.consumers === 0 ? 0 : this.trackers.reduce((a, t) => a + t.outstanding, 0);
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
    const adapter = this.producers[0] as BrokerAdapter;
    try {
      const reading = await withTimeout(adapter.lag(), LAG_READ_TIMEOUT_MS, 'reading lag');
      broker = reading.messages + (reading.excludesUnacked ? (this.host?.held ?? 0) : 0);
      this.lagSource = this.describeSource(reading);
    } catch (err) {
      if (err instanceof LagUnavailable) this.lagSource = err.message;
      else this.deps.samples.errorSample('other', `lag of ${this.plan.name}: ${describeError(err, this.plan.target)}`);
    } finally {
      this.lagBusy = false;
    }
    const consuming = this.plan.consumers > 0;
    const oldest = consuming ? this.oldestOutstandingMs() : undefined;
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

  private oldestOutstandingMs(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.trackers) {
      const ms = t.oldestOutstandingMs();
      if (ms !== undefined && (oldest === undefined || ms < oldest)) oldest = ms;
    }
    return oldest;
  }

  /**
   * End of the drain: stops the consumers, takes the final lag reading, and accounts for every message still
   * awaited. As many as the broker still holds are undelivered (the newest ones: a queue delivers oldest first);
   * the rest are gone from the broker, hence lost. Both go into the e2e tail at their age now.
   */
  async finish(cleanup: boolean): Promise<void> {
    await this.host?.stop();
    await this.lagReading; // bounded by LAG_READ_TIMEOUT_MS, and never rejects
    const brokerFinal = await this.sampleLag();
    // Produce-only: the application's consumers account for the messages, and its group's lag (just read) says how
    // far they got; nothing of ours awaited them, so nothing is lost, undelivered or in the e2e tail.
    if (this.plan.consumers > 0) this.accountForOutstanding(brokerFinal);
    // Bounded: a broker that is gone (or slow) must not hold the end of the run for a client's own timeouts.
    if (cleanup && this.plan.target.create)
      await within((this.producers[0] as BrokerAdapter).destroy?.(), CLOSE_WAIT_MS);
    await within(Promise.all(this.producers.map((p) => p.close())), CLOSE_WAIT_MS);
  }

  private accountForOutstanding(brokerFinal: number | null): void {
    const ages: number[] = [];
    const now = nowMs();
    for (const t of this.trackers) t.forEachOutstanding((intendedMs) => ages.push(now - intendedMs));
    ages.sort((a, b) => b - a);
    const undelivered = brokerFinal === null ? ages.length : Math.min(ages.length, brokerFinal);
    const lost = ages.length - undelivered;
    ages.forEach((age, i) => this.deps.events.missing(this.plan.index, i < lost ? 'lost' : 'undelivered', age));
  }
}
