import { createHistogram, type Histogram } from '../metrics/histogram.js';
import type { LiveUpdate, Reporter } from '../reporters/reporter.js';
import type { SecondFigures } from '../slo/window-evaluate.js';

/** An interval that began this close to the end of the warm-up counts as held (timers fire a little late or early). */
const SLACK_MS = 150;

/**
 * Listens to one step's run like any reporter and keeps what the step is judged on: the seconds after the
 * warm-up, each with a copy of its latency histogram (the run's own interval is reused once the hook returns).
 */
export class StepProbe implements Reporter {
  readonly seconds: SecondFigures[] = [];
  readonly latency: Histogram = createHistogram();
  requests = 0;
  errors = 0;
  dropped = 0;
  heldMs = 0;
  private lastElapsedMs = 0;

  constructor(
    private readonly warmupMs: number,
    private readonly onSecond?: (update: LiveUpdate) => void,
  ) {}

  onInterval(update: LiveUpdate): void {
    const startedMs = this.lastElapsedMs;
    this.lastElapsedMs = update.elapsedMs;
    this.onSecond?.(update);
    const interval = update.interval;
    if (interval === undefined || startedMs < this.warmupMs - SLACK_MS) return;
    const latency = createHistogram();
    latency.add(interval.total.latency);
    this.latency.add(latency);
    const { requests, errors, dropped } = interval.total;
    this.requests += requests;
    this.errors += errors;
    this.dropped += dropped;
    const spanMs = update.elapsedMs - startedMs;
    this.heldMs += spanMs;
    const last = this.seconds[this.seconds.length - 1];
    // The run's last flush (the drain) covers a sliver: it belongs to the second before, as in the time series.
    if (last !== undefined && spanMs < 250) {
      last.requests += requests;
      last.errors += errors;
      last.dropped += dropped;
      last.latency?.add(latency);
      return;
    }
    this.seconds.push({ requests, errors, dropped, latency });
  }

  onEnd(): void {}
}
