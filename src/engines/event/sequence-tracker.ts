/**
 * Loss, duplicate and order accounting for one producer's sequence numbers, in memory proportional to what is
 * outstanding (published and not yet consumed), not to the run: chunks wholly below the low-water mark are freed.
 *
 * Every sequence moves through: unknown → expected (published) → received, or expected → skipped (the publish
 * failed, so nobody should expect it). A sequence received REORDER_LIMIT below the newest received one is past
 * any plausible reordering: it is declared lost then, and the engine records it in the latency tail at its age.
 */
export const REORDER_LIMIT = 100_000;

const CHUNK = 16_384;

const UNKNOWN = 0;
const EXPECTED = 1;
const RECEIVED = 2;
const SKIPPED = 3;

interface Chunk {
  state: Uint8Array;
  /** Intended send time of each sequence (epoch ms), for time lag and for aging what never arrives. */
  intended: Float64Array;
}

/** 'reordered': new, but after a higher sequence had reached the same consumer. */
export type ReceiveOutcome = 'new' | 'reordered' | 'duplicate' | 'unknown';

export interface TrackerCounts {
  /** Published and not skipped: what consumers should receive. */
  expected: number;
  /** Distinct sequences received. */
  received: number;
  duplicates: number;
  /** Received after a higher sequence from the same producer had reached the same consumer. */
  outOfOrder: number;
  /** Declared lost during the run (a gap older than REORDER_LIMIT). */
  lost: number;
}

export class SequenceTracker {
  private readonly chunks = new Map<number, Chunk>();
  /** Every sequence below it is received, skipped or declared lost. */
  private base = 0;
  /** One past the highest sequence published. */
  private next = 0;
  private maxReceived = -1;
  /** Last sequence each consumer received from this producer, for per-consumer order. */
  private readonly lastByConsumer = new Map<number, number>();
  readonly counts: TrackerCounts = { expected: 0, received: 0, duplicates: 0, outOfOrder: 0, lost: 0 };

  /** The publisher is about to send `seq` (in increasing order) meant to go at `intendedMs`. */
  published(seq: number, intendedMs: number): void {
    const c = this.chunk(seq, true);
    const i = seq % CHUNK;
    c.state[i] = EXPECTED;
    c.intended[i] = intendedMs;
    this.counts.expected++;
    if (seq >= this.next) this.next = seq + 1;
  }

  /** The publish of `seq` failed (nack, timeout, connection): nobody should expect it, unless it arrives anyway. */
  failed(seq: number): void {
    const c = this.chunk(seq, false);
    const i = seq % CHUNK;
    if (c === undefined || c.state[i] !== EXPECTED) return;
    c.state[i] = SKIPPED;
    this.counts.expected--;
    this.advance();
  }

  /**
   * A consumer got `seq`. `onLost` is called with the intended time of each sequence this receipt proves lost.
   * A sequence whose publish failed but which arrives anyway counts as published and received after all.
   */
  received(seq: number, consumer: number, onLost: (intendedMs: number) => void): ReceiveOutcome {
    if (seq < this.base) {
      this.counts.duplicates++;
      return 'duplicate';
    }
    const c = this.chunk(seq, false);
    const i = seq % CHUNK;
    const state = c === undefined ? UNKNOWN : c.state[i];
    if (c === undefined || state === UNKNOWN) return 'unknown';
    if (state === RECEIVED) {
      this.counts.duplicates++;
      return 'duplicate';
    }
    if (state === SKIPPED) this.counts.expected++;
    c.state[i] = RECEIVED;
    this.counts.received++;
    const last = this.lastByConsumer.get(consumer);
    const reordered = last !== undefined && seq < last;
    if (reordered) this.counts.outOfOrder++;
    else this.lastByConsumer.set(consumer, seq);
    if (seq > this.maxReceived) this.maxReceived = seq;
    if (this.maxReceived - this.base >= REORDER_LIMIT) this.declareLost(this.maxReceived - REORDER_LIMIT + 1, onLost);
    this.advance();
    return reordered ? 'reordered' : 'new';
  }

  /** Published, not skipped and not yet received. */
  get outstanding(): number {
    return this.counts.expected - this.counts.received - this.counts.lost;
  }

  /** Intended send time of the oldest sequence still awaited, or undefined when none is. */
  oldestOutstandingMs(): number | undefined {
    if (this.base >= this.next) return undefined;
    const c = this.chunk(this.base, false);
    return c?.intended[this.base % CHUNK];
  }

  /** Calls `visit` with the intended time of every sequence still awaited (at the end of the drain). */
  forEachOutstanding(visit: (intendedMs: number) => void): void {
    for (let seq = this.base; seq < this.next; seq++) {
      const c = this.chunk(seq, false);
      if (c === undefined) {
        seq = (Math.floor(seq / CHUNK) + 1) * CHUNK - 1;
        continue;
      }
      const i = seq % CHUNK;
      if (c.state[i] === EXPECTED) visit(c.intended[i] as number);
    }
  }

  private declareLost(upTo: number, onLost: (intendedMs: number) => void): void {
    for (; this.base < upTo; this.base++) {
      const c = this.chunk(this.base, false);
      const i = this.base % CHUNK;
      if (c !== undefined && c.state[i] === EXPECTED) {
        this.counts.lost++;
        onLost(c.intended[i] as number);
      }
      this.freeBehind();
    }
  }

  /** Moves the low-water mark over everything settled, freeing chunks left behind. */
  private advance(): void {
    while (this.base < this.next) {
      const c = this.chunk(this.base, false);
      const state = c?.state[this.base % CHUNK];
      if (state !== RECEIVED && state !== SKIPPED) break;
      this.base++;
      this.freeBehind();
    }
  }

  private freeBehind(): void {
    if (this.base % CHUNK === 0) this.chunks.delete(this.base / CHUNK - 1);
  }

  private chunk(seq: number, create: true): Chunk;
  private chunk(seq: number, create: false): Chunk | undefined;
  private chunk(seq: number, create: boolean): Chunk | undefined {
    const key = Math.floor(seq / CHUNK);
    let c = this.chunks.get(key);
    if (c === undefined && create) {
      c = { state: new Uint8Array(CHUNK), intended: new Float64Array(CHUNK) };
      this.chunks.set(key, c);
    }
    return c;
  }
}
