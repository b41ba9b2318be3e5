import { type ErrorCounts, addErrorCounts, emptyErrorCounts } from './error-kinds.js';
import {
  type Histogram,
  type LatencySummary,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  summarizeHistogram,
} from './histogram.js';
import { type IntervalSnapshot, MAX_ERROR_SAMPLES, type ScopeCounts } from './interval-recorder.js';

/** The figures reported for the whole run and for each scope; the shape SLOs and reports read. */
export interface ScopeMetrics {
  requests: number;
  rps: number;
  errors: number;
  /** A fraction: 0.01 is 1 %. Dropped starts are not requests and do not count here. */
  errorRate: number;
  dropped: number;
  latencyMs: LatencySummary;
}

/** One point per second of the run, for the live view, reports and Prometheus. */
export interface TimeseriesPoint {
  /** Seconds since start, 1-based: the point covers (t−1, t]. */
  t: number;
  requests: number;
  errors: number;
  dropped: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  inFlight: number;
  targetRate: number;
}

interface ScopeTotals {
  requests: number;
  errors: number;
  dropped: number;
  latency: Histogram;
}

function emptyTotals(): ScopeTotals {
  return { requests: 0, errors: 0, dropped: 0, latency: createHistogram() };
}

function addInto(into: ScopeTotals, from: ScopeCounts): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.dropped += from.dropped;
  into.latency.add(from.latency);
}

export function scopeMetrics(t: ScopeTotals, elapsedMs: number): ScopeMetrics {
  const seconds = elapsedMs / 1000;
  return {
    requests: t.requests,
    rps: seconds > 0 ? Math.round((t.requests / seconds) * 10) / 10 : 0,
    errors: t.errors,
    errorRate: t.requests > 0 ? t.errors / t.requests : 0,
    dropped: t.dropped,
    latencyMs: summarizeHistogram(t.latency),
  };
}

/** Adds a last sliver of data into the last kept point histogram. */
function foldLast(kept: string[] | undefined, latency: Histogram): void {
  if (kept === undefined || kept.length === 0 || latency.totalCount === 0) return;
  const folded = decodeHistogram(kept[kept.length - 1] as string);
  folded.add(latency);
  kept[kept.length - 1] = encodeHistogram(folded);
}

/**
 * Folds interval snapshots into run totals and a one-second time series.
 * Lives off the hot path: it runs once per interval, in the process that reports.
 */
export class RunAggregator {
  readonly total: ScopeTotals = emptyTotals();
  readonly scopes = new Map<string, ScopeTotals>();
  readonly errorsByKind: ErrorCounts = emptyErrorCounts();
  readonly sendDelay: Histogram = createHistogram();
  readonly timeseries: TimeseriesPoint[] = [];
  readonly errorSamples = new Map<string, number>();
  private lastElapsedMs = 0;
  private windowMs: number | undefined;
  private last: TimeseriesPoint | undefined;
  private pointSpanMs = 0;

  /**
   * Each point's latency histogram, encoded, for the run and per scope, when asked for: merged points get exact
   * percentiles, and compare bootstraps over seconds.
   */
  readonly pointHistograms: string[] | undefined;
  readonly scopePointHistograms: Map<string, string[]> | undefined;

  constructor(scopeNames: readonly string[], options: { keepPointHistograms?: boolean } = {}) {
    for (const name of scopeNames) this.scopes.set(name, emptyTotals());
    this.pointHistograms = options.keepPointHistograms ? [] : undefined;
    this.scopePointHistograms = options.keepPointHistograms ? new Map(scopeNames.map((n) => [n, []])) : undefined;
  }

  add(snapshot: IntervalSnapshot): void {
    addInto(this.total, snapshot.total);
    for (const [name, counts] of snapshot.scopes) {
      let totals = this.scopes.get(name);
      if (totals === undefined) this.scopes.set(name, (totals = emptyTotals()));
      addInto(totals, counts);
    }
    addErrorCounts(this.errorsByKind, snapshot.errorsByKind);
    this.sendDelay.add(snapshot.sendDelay);
    for (const [message, count] of snapshot.errorSamples) {
      const seen = this.errorSamples.get(message);
      if (seen !== undefined) this.errorSamples.set(message, seen + count);
      else if (this.errorSamples.size < MAX_ERROR_SAMPLES) this.errorSamples.set(message, count);
    }
    const spanMs = snapshot.elapsedMs - this.lastElapsedMs;
    this.lastElapsedMs = snapshot.elapsedMs;
    const prev = this.last;
    // The last flush of a run usually covers a few milliseconds: fold it into the previous second
    // rather than print a point whose rate is extrapolated from a sliver.
    if (prev !== undefined && spanMs < 250) {
      const prevSpanMs = this.pointSpanMs;
      prev.requests += snapshot.total.requests;
      prev.errors += snapshot.total.errors;
      prev.dropped += snapshot.total.dropped;
      this.pointSpanMs = prevSpanMs + spanMs;
      prev.rps = Math.round((prev.requests * 10000) / this.pointSpanMs) / 10;
      foldLast(this.pointHistograms, snapshot.total.latency);
      for (const [name, counts] of snapshot.scopes) foldLast(this.scopePointHistograms?.get(name), counts.latency);
      return;
    }
    const latency = summarizeHistogram(snapshot.total.latency);
    const point: TimeseriesPoint = {
      t: this.timeseries.length + 1,
      requests: snapshot.total.requests,
      errors: snapshot.total.errors,
      dropped: snapshot.total.dropped,
      rps: spanMs > 0 ? Math.round((snapshot.total.requests * 10000) / spanMs) / 10 : 0,
      p50: latency.p50,
      p95: latency.p95,
      p99: latency.p99,
      inFlight: snapshot.inFlight,
      targetRate: Math.round(snapshot.targetRate * 10) / 10,
    };
    this.pointSpanMs = spanMs;
    this.pointHistograms?.push(encodeHistogram(snapshot.total.latency));
    this.keepScopePoints(snapshot);
    this.last = point;
    this.timeseries.push(point);
  }

  /** One histogram per scope for the new point; a scope first seen now gets empty ones for the points before. */
  private keepScopePoints(snapshot: IntervalSnapshot): void {
    const kept = this.scopePointHistograms;
    if (kept === undefined) return;
    for (const [name, counts] of snapshot.scopes) {
      let series = kept.get(name);
      if (series === undefined) kept.set(name, (series = []));
      const empty = encodeHistogram(createHistogram());
      while (series.length < this.timeseries.length) series.push(empty);
      series.push(encodeHistogram(counts.latency));
    }
  }

  /** The most recent interval, for the live progress line. */
  get latest(): TimeseriesPoint | undefined {
    return this.last;
  }

  get elapsedMs(): number {
    return this.lastElapsedMs;
  }

  /**
   * The time rates are computed over: the elapsed time while the run goes on, then what `closeRateWindow` set.
   * A run that ends its schedule is judged over its configured duration, not up to its last arrival (4 requests
   * in 4 s are 1.0/s, not 1.3/s) nor over its drain.
   */
  get rateWindowMs(): number {
    return this.windowMs ?? this.lastElapsedMs;
  }

  closeRateWindow(ms: number): void {
    this.windowMs = ms;
  }

  metrics(): ScopeMetrics {
    return scopeMetrics(this.total, this.rateWindowMs);
  }

  byScope(): Record<string, ScopeMetrics> {
    const out: Record<string, ScopeMetrics> = {};
    for (const [name, totals] of this.scopes) out[name] = scopeMetrics(totals, this.rateWindowMs);
    return out;
  }
}
