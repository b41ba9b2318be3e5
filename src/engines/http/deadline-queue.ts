import { performance } from 'node:perf_hooks';

/** Something with a deadline that a DeadlineQueue can hold: the links live in the item, so queuing allocates nothing. */
export interface Timed<T> {
  readonly deadline: number;
  prevDue: T | undefined;
  nextDue: T | undefined;
  queued: boolean;
}

/**
 * In-flight requests in deadline order, with one timer armed for the earliest. Every request of a runner has the
 * same timeout, so deadlines arrive in order and the queue is a linked list: adding and removing are a few pointer
 * writes, with no timer or allocation per request. The timer fires at the earliest deadline (within the event
 * loop's ~1 ms), expires whatever is due, and is re-armed for the new earliest one; while requests complete well
 * within their timeout it fires about once per timeout.
 */
export class DeadlineQueue<T extends Timed<T>> {
  private head: T | undefined;
  private tail: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private firing = false;

  constructor(private readonly expire: (item: T, now: number) => void) {}

  /** Queues an item whose deadline is no earlier than that of any item already queued. */
  add(item: T): void {
    item.prevDue = this.tail;
    item.nextDue = undefined;
    item.queued = true;
    if (this.tail === undefined) this.head = item;
    else this.tail.nextDue = item;
    this.tail = item;
    if (this.timer === undefined && !this.firing) this.arm();
  }

  /** Takes an item out (it completed); nothing happens if it is not queued. The timer is left as it is. */
  remove(item: T): void {
    if (!item.queued) return;
    if (item.prevDue === undefined) this.head = item.nextDue;
    else item.prevDue.nextDue = item.nextDue;
    if (item.nextDue === undefined) this.tail = item.prevDue;
    else item.nextDue.prevDue = item.prevDue;
    item.prevDue = item.nextDue = undefined;
    item.queued = false;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.head !== undefined) this.remove(this.head);
  }

  private arm(): void {
    if (this.head === undefined) return;
    const delay = Math.max(0, Math.ceil(this.head.deadline - performance.now()));
    this.timer = setTimeout(this.onTimer, delay).unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.firing = true;
    const now = performance.now();
    try {
      for (let h = this.head; h !== undefined && h.deadline <= now; h = this.head) {
        this.remove(h);
        this.expire(h, now);
      }
    } finally {
      this.firing = false;
    }
    this.arm();
  };
}
