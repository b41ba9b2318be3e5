import type { WorkerGroup, WorkloadMessage } from '../../commands/worker-group.js';
import { ABORT_DRAIN_MS } from '../../engines/engine.js';
import { RECEIPT_FIELDS } from '../../engines/event/consumer-host.js';
import { FOREIGN } from '../../engines/event/consumer-runner.js';
import type { ProducerThreads } from '../../engines/event/producer-threads.js';
import type { ProducerSide } from '../../engines/event/queue-producers.js';
import type { EventSink } from '../../metrics/event-recorder.js';
import type { EventQueuePlan, EventsPlan } from '../../scenario/event-plan.js';

/** After the drain, the threads get this long to report their last second and what they still await. */
const FINISH_WAIT_MS = ABORT_DRAIN_MS + 4000;

/** What one thread last said it awaits, per queue. */
interface ThreadStatus {
  outstanding: number[];
  oldest: number[];
}

/**
 * The main thread's side of an event run's producer threads (a WorkerGroup running producer-thread.ts): it starts
 * and stops their schedules, routes each receipt to the thread whose producer published the message, and keeps
 * what they last said they await, for the drain and the lag figures.
 */
export class EventThreads implements ProducerThreads {
  private readonly statuses: (ThreadStatus | undefined)[];
  private readonly sides: RemoteProducers[];
  private readonly listeners = new Map<'scheduled' | 'settled', () => void>();

  constructor(
    private readonly group: WorkerGroup,
    events: EventsPlan,
    sink: EventSink,
  ) {
    this.statuses = Array.from({ length: group.size }, () => undefined);
    this.sides = events.queues.map((q) => new RemoteProducers(q, group, this.statuses, sink));
    group.onWorkloadMessage((index, m) => this.heard(index, m));
  }

  private heard(index: number, m: WorkloadMessage): void {
    if (m.type === 'status') this.statuses[index] = { outstanding: m.outstanding, oldest: m.oldest };
    else this.listeners.get(m.type)?.();
  }

  /** Resolves when every thread has posted `type`. */
  private all(type: 'scheduled' | 'settled'): Promise<void> {
    let left = this.group.size;
    return new Promise((resolve) => this.listeners.set(type, () => --left === 0 && resolve()));
  }

  side(plan: EventQueuePlan): ProducerSide {
    return this.sides[plan.index] as RemoteProducers;
  }

  async publish(signal: AbortSignal, scheduled: () => void): Promise<void> {
    const allScheduled = this.all('scheduled').then(scheduled);
    const allSettled = this.all('settled');
    const onAbort = (): void => this.group.halt();
    signal.addEventListener('abort', onAbort, { once: true });
    this.group.begin();
    if (signal.aborted) onAbort();
    try {
      await Promise.race([Promise.all([allScheduled, allSettled]), this.group.failed]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async finish(): Promise<void> {
    const leftovers = await this.group.finish(FINISH_WAIT_MS);
    for (const side of this.sides) side.settle(leftovers);
  }
}

/**
 * One queue's producers across the threads. Thread t holds producer ids [t·P, (t+1)·P) of the queue's P per
 * thread, so a receipt's producer id says which thread's tracker it belongs to; receipts are batched per thread
 * and sent after each batch from the consumers.
 */
class RemoteProducers implements ProducerSide {
  private readonly batches: number[][];
  private leftover: Float64Array[] = [];

  constructor(
    private readonly plan: EventQueuePlan,
    private readonly group: WorkerGroup,
    private readonly statuses: readonly (ThreadStatus | undefined)[],
    private readonly sink: EventSink,
  ) {
    this.batches = Array.from({ length: group.size }, () => []);
  }

  receipt(consumer: number, producer: number, seq: number, e2eMs: number): void {
    const thread = producer === FOREIGN ? -1 : Math.floor(producer / this.plan.producers);
    const batch = this.batches[thread];
    if (batch === undefined) return this.sink.foreign(this.plan.index);
    batch.push(consumer, producer, seq, e2eMs);
  }

  receiptsDone(): void {
    this.batches.forEach((batch, thread) => {
      if (batch.length < RECEIPT_FIELDS) return;
      const data = Float64Array.from(batch);
      batch.length = 0;
      this.group.send(thread, { type: 'receipts', queue: this.plan.index, data }, [data.buffer]);
    });
  }

  get outstanding(): number {
    return this.statuses.reduce((a, s) => a + (s?.outstanding[this.plan.index] ?? 0), 0);
  }

  oldestOutstandingMs(): number | undefined {
    const times = this.statuses.map((s) => s?.oldest[this.plan.index] ?? NaN).filter((ms) => !Number.isNaN(ms));
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** The threads' last word: the intended send times of what each still awaited for this queue. */
  settle(leftovers: readonly (Float64Array[] | undefined)[]): void {
    this.leftover = leftovers.flatMap((l) => {
      const times = l?.[this.plan.index];
      return times === undefined ? [] : [times];
    });
  }

  forEachOutstanding(visit: (intendedMs: number) => void): void {
    for (const times of this.leftover) for (const ms of times) visit(ms);
  }
}
