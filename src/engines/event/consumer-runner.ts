import { sleep } from '../engine.js';
import type { BrokerAdapter, ConsumerHandle, Delivery } from './broker-adapter.js';
import { ENVELOPE_HEADER, decodeEnvelope, nowMs } from './envelope.js';

/** How long stop() waits for the adapter to wind its consumers down (acknowledge what was handled, cancel). */
export const STOP_GRACE_MS = 1000;

/** Producer index given to receipts of messages that are not ours (no envelope, or another run's). */
export const FOREIGN = -1;

/** A delivery handled. */
const DONE: Promise<void> = Promise.resolve();
/** A delivery never handled (the run is stopping): never settles, so it is never acknowledged. */
const NEVER: Promise<void> = new Promise<void>(() => undefined);

/** Called for every delivery, at the moment its consumer takes it up (after waiting behind earlier ones). */
export type ReceiptListener = (consumer: number, producer: number, seq: number, e2eMs: number) => void;

export interface ConsumerSettings {
  /** How many consumers, each a subscription of its own in the group. */
  count: number;
  /**
   * Index of the first of them in the queue's consumers (0 unless they are spread over several threads): indices
   * name consumers on the broker and keep per-consumer order, so they are the queue's, not the thread's.
   */
  first?: number;
  prefetch: number;
  /** Time each consumer spends on each message before acknowledging it: models a slow consumer. */
  processingDelayMs: number;
  runId: string;
}

/**
 * Runs a group of consumers on one adapter. Each consumer handles its deliveries one at a time, in delivery order:
 * the broker may hand it `prefetch` messages at once, but they wait in line, so the produce→consume latency is
 * taken when a consumer actually takes a message up and includes the time it waited behind slower ones.
 */
export class ConsumerRunner {
  private readonly handles: ConsumerHandle[] = [];
  private heldCount = 0;
  /** Set by stop(): deliveries not yet taken up are left to the broker, and the one in hand skips its delay. */
  private readonly closing = new AbortController();

  constructor(
    private readonly adapter: BrokerAdapter,
    private readonly settings: ConsumerSettings,
    private readonly onReceipt: ReceiptListener,
  ) {}

  /** Deliveries handed to our consumers and not yet acknowledged (the broker's "unacknowledged"). */
  get held(): number {
    return this.heldCount;
  }

  /**
   * Starts every consumer at once: on Kafka each member joining a running group costs the whole group a rebalance
   * (about 9 s each on the mock cluster), while members joining together share one. If any fails, the others are
   * stopped and the first failure is reported, naming the consumer.
   */
  async start(): Promise<void> {
    const { count, prefetch, first: base = 0 } = this.settings;
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        this.adapter.consume({ index: base + i, prefetch }, this.handler(base + i)),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') this.handles.push(s.value);
    const failures = started.flatMap((s, i) =>
      s.status === 'rejected' ? [{ index: base + i, reason: s.reason as unknown }] : [],
    );
    const first = failures[0];
    if (first === undefined) return;
    await this.stop();
    const text = first.reason instanceof Error ? first.reason.message : String(first.reason);
    // Spread over threads (base > 0), a thread knows its own consumers only: the index still names the queue's.
    const of = base === 0 ? ` of ${count}` : '';
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
    const which = count === 1 && base === 0 ? '' : `consumer ${first.index + 1}${of}${more}: `;
    throw new Error(`${which}${text}`, { cause: first.reason });
  }

  /**
   * Stops within `graceMs` whatever the backlog: a slow consumer holding `prefetch` deliveries would otherwise
   * spend prefetch × processingDelay working through them after the drain's deadline. The delivery in hand is
   * finished at once (it was received: its receipt is out) and acknowledged; the ones still waiting in line are
   * never taken up, so never acknowledged: the broker keeps them, and the run counts them as undelivered.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.closing.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.handles.splice(0).map((h) => h.stop())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  private handler(consumer: number): (d: Delivery) => Promise<void> {
    // Without a processing delay a delivery is handled the moment it arrives, nothing awaited: no line of turns to
    // keep in order, and no promise chain per message (a cost the plain client does not pay).
    if (this.settings.processingDelayMs === 0) {
      return (delivery) => {
        if (this.closing.signal.aborted) {
          this.heldCount++; // handed to us, never taken up: held, as in process()
          return NEVER;
        }
        this.receive(consumer, delivery);
        return DONE;
      };
    }
    let line: Promise<void> = Promise.resolve();
    return (delivery) => {
      this.heldCount++;
      const turn = line.then(() => this.process(consumer, delivery));
      line = turn;
      return turn;
    };
  }

  private async process(consumer: number, delivery: Delivery): Promise<void> {
    // Never settles: the adapter acknowledges only what its handler finished, so the broker keeps this delivery
    // (and it stays counted as held by us).
    if (this.closing.signal.aborted) return NEVER;
    try {
      this.receive(consumer, delivery);
      await sleep(this.settings.processingDelayMs, this.closing.signal);
    } finally {
      this.heldCount--;
    }
  }

  private receive(consumer: number, delivery: Delivery): void {
    const at = nowMs();
    const e = decodeEnvelope(delivery.headers[ENVELOPE_HEADER]);
    if (e === undefined || e.runId !== this.settings.runId) this.onReceipt(consumer, FOREIGN, 0, 0);
    else this.onReceipt(consumer, e.producer, e.seq, at - e.intendedMs);
  }
}
