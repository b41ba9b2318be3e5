/**
 * The publishes of one queue still awaiting the broker's confirmation, oldest first, with one sweep timer for the
 * publish timeout. A timer and a Promise.race per message cost more than the publish itself at broker speed (and
 * fed the garbage collector); publishes start in order, so the oldest are at the front and a sweep stops at the
 * first one still within its time.
 */
export interface PendingPublish {
  /** When the publish was started (performance.now()), for the timeout. */
  readonly startedAt: number;
  /** Set once: by the broker's answer or by the sweep, whichever comes first. */
  settled: boolean;
}

export class PublishWindow<P extends PendingPublish> {
  private queue: (P | undefined)[] = [];
  private head = 0;
  private open = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly expire: (publish: P) => void,
    private readonly now: () => number,
  ) {}

  /** Publishes started and not yet settled. */
  get size(): number {
    return this.open;
  }

  add(publish: P): void {
    this.queue.push(publish);
    this.open++;
    this.timer ??= setInterval(() => this.sweep(), sweepEveryMs(this.timeoutMs)).unref();
  }

  /** Marks a publish answered; false when the sweep already expired it (its answer then counts for nothing). */
  settle(publish: P): boolean {
    if (publish.settled) return false;
    publish.settled = true;
    this.open--;
    this.trim();
    return true;
  }

  /** Expires every publish started `timeoutMs` or more ago and not yet answered. */
  sweep(): void {
    const deadline = this.now() - this.timeoutMs;
    for (let i = this.head; i < this.queue.length; i++) {
      const p = this.queue[i];
      if (p === undefined || p.settled) continue;
      if (p.startedAt > deadline) break;
      p.settled = true;
      this.open--;
      this.expire(p);
    }
    this.trim();
  }

  /** Drops settled publishes off the front; compacts now and then so the array does not grow for the whole run. */
  private trim(): void {
    while (this.head < this.queue.length && (this.queue[this.head] as P).settled) this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.open === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops the sweep timer (the run is over; unanswered publishes are accounted for by the caller). */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Often enough that a timeout is reported within a tenth of its length, at most every 10 ms. */
function sweepEveryMs(timeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.round(timeoutMs / 10)));
}
