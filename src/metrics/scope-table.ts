import { type Histogram, createHistogram, recordMs } from './histogram.js';
import { type ScopeMetrics, scopeMetrics } from './run-aggregator.js';

/** Counters of one scope (a flow, a service): the request-scope counters plus steps skipped. */
export interface ScopeRow {
  requests: number;
  errors: number;
  dropped: number;
  /** Steps that could not run for want of a captured value. */
  skipped: number;
  /** Sum of the recorded durations (ms), kept exactly: the histogram's mean would cost a full scan. */
  timeMs: number;
  latency: Histogram;
}

/** ScopeMetrics plus what flows add: steps skipped, and the total time spent (ms), for shares of time. */
export interface GroupScopeMetrics extends ScopeMetrics {
  skipped: number;
  timeMs: number;
}

/**
 * A fixed list of named scopes addressed by index, so the hot path records with no lookups and no
 * allocation. The same class holds one interval (in a recorder) and the run's totals (addFrom).
 */
export class ScopeTable {
  readonly rows: readonly ScopeRow[];

  constructor(readonly names: readonly string[]) {
    this.rows = names.map(() => ({
      requests: 0,
      errors: 0,
      dropped: 0,
      skipped: 0,
      timeMs: 0,
      latency: createHistogram(),
    }));
  }

  row(i: number): ScopeRow {
    const row = this.rows[i];
    if (row === undefined) throw new RangeError(`unknown scope ${i}`);
    return row;
  }

  /** `latencyMs` is omitted for failures that got no answer, as for requests. */
  record(i: number, latencyMs: number | undefined, failed: boolean): void {
    const row = this.row(i);
    row.requests++;
    if (failed) row.errors++;
    if (latencyMs !== undefined) {
      recordMs(row.latency, latencyMs);
      row.timeMs += latencyMs;
    }
  }

  drop(i: number, count = 1): void {
    this.row(i).dropped += count;
  }

  skip(i: number, count = 1): void {
    this.row(i).skipped += count;
  }

  addFrom(other: ScopeTable): void {
    other.rows.forEach((from, i) => {
      const into = this.row(i);
      into.requests += from.requests;
      into.errors += from.errors;
      into.dropped += from.dropped;
      into.skipped += from.skipped;
      into.timeMs += from.timeMs;
      into.latency.add(from.latency);
    });
  }

  reset(): void {
    for (const row of this.rows) {
      row.requests = 0;
      row.errors = 0;
      row.dropped = 0;
      row.skipped = 0;
      row.timeMs = 0;
      row.latency.reset();
    }
  }

  metrics(i: number, elapsedMs: number): GroupScopeMetrics {
    const row = this.row(i);
    return { ...scopeMetrics(row, elapsedMs), skipped: row.skipped, timeMs: Math.round(row.timeMs) };
  }
}
