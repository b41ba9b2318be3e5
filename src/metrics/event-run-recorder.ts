import { EventAggregator, type EventPoint } from './event-aggregator.js';
import { type EventIntervalSnapshot, EventRecorder } from './event-recorder.js';
import { type ForeignInterval, type IntervalSnapshot, IntervalRecorder } from './interval-recorder.js';

/** The live view of an event run, beside the request figures of each second. */
export interface LiveEvents {
  /** Queue names, by index (the order of `interval.queues`). */
  queues: readonly string[];
  /** The last second over every queue: rates, latency, lag. */
  point: EventPoint;
  /** The raw interval, for exporters that keep their own totals; valid only during the synchronous onInterval. */
  interval: EventIntervalSnapshot;
}

/**
 * The hot-path sink of an event run: publishes are the request scopes (one per queue), so the standard tables,
 * exporters and SLOs see them as they see HTTP requests; the event figures (consume, loss, lag) ride beside.
 * Each flush folds the event interval into its totals first, so SLOs evaluated on the interval read one
 * consistent second.
 */
export class EventRunRecorder extends IntervalRecorder {
  readonly events: EventRecorder;
  readonly totals: EventAggregator;
  private current: EventIntervalSnapshot | undefined;

  constructor(queueNames: readonly string[]) {
    super(queueNames);
    this.events = new EventRecorder(queueNames.length);
    this.totals = new EventAggregator(queueNames);
  }

  override flush(elapsedMs: number, consume: (snapshot: IntervalSnapshot) => void): void {
    this.events.flush(elapsedMs, (s) => {
      this.totals.add(s);
      this.current = s;
      // Inside the event flush, so the event interval is still whole while `consume` runs.
      super.flush(elapsedMs, consume);
      this.current = undefined;
    });
  }

  /** A producer thread's interval: its publishes into the request scopes, its event counts into the events. */
  override absorb(part: ForeignInterval): void {
    super.absorb(part);
    if (part.events !== undefined) this.events.absorb(part.events);
  }

  /** During a flush's `consume`: the event side of the same second. */
  live(): LiveEvents | undefined {
    const point = this.totals.latest;
    if (point === undefined || this.current === undefined) return undefined;
    return { queues: this.totals.names, point, interval: this.current };
  }
}
