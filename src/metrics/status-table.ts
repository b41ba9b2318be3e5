import { ERROR_KINDS, type ErrorKind } from './error-kinds.js';
import { type Histogram, createHistogram, recordMs } from './histogram.js';

/** The status of the overflow rows: statuses seen after a scope already holds MAX_STATUS_ROWS of them. */
export const OTHER_STATUS = -1;

/**
 * Distinct (status, error) pairs kept per scope before the rest is folded into the two overflow rows.
 * Each row holds an HDR histogram (~90 kB), so the bound also bounds memory; real targets answer with a handful.
 */
export const MAX_STATUS_ROWS = 12;

/** The requests of one scope that ended the same way: same response status, same error kind (or none). */
export interface StatusRow {
  /** The response's status code; 0 when no response came (refused, reset, dns, timeout); OTHER_STATUS for overflow. */
  readonly status: number;
  /** Why these requests failed; undefined for successes. The failed overflow row says 'other'. */
  readonly error: ErrorKind | undefined;
  requests: number;
  /** Only requests that have a latency (see SampleSink.request). */
  readonly latency: Histogram;
}

interface KeyedRow extends StatusRow {
  readonly key: number;
}

const ERROR_INDEX = Object.fromEntries(ERROR_KINDS.map((k, i) => [k, i + 1])) as Record<ErrorKind, number>;
/** Room for every error kind (and "none") under one status, so (status, error) packs into one integer. */
const KINDS_PER_STATUS = 16;

const keyOf = (status: number, error: ErrorKind | undefined): number =>
  status * KINDS_PER_STATUS + (error === undefined ? 0 : ERROR_INDEX[error]);

/**
 * One scope's requests split by how they ended, for exporters that label latency with the response status
 * (OTLP's http.response.status_code and error.type). Rows are made on the first sight of a (status, error)
 * pair and reused: after that, recording is an integer compare or a short scan, with no allocation.
 */
export class StatusTable {
  private readonly list: KeyedRow[] = [];
  private last: KeyedRow | undefined;

  get rows(): readonly StatusRow[] {
    return this.list;
  }

  record(status: number, error: ErrorKind | undefined, latencyMs: number | undefined): void {
    const row = this.row(status, error);
    row.requests++;
    if (latencyMs !== undefined) recordMs(row.latency, latencyMs);
  }

  /** Adds another table's rows (a worker thread's interval), matching rows by status and error. */
  add(
    rows: Iterable<{ status: number; error: ErrorKind | undefined; requests: number; latency: Histogram | undefined }>,
  ): void {
    for (const from of rows) {
      const row = this.row(from.status, from.error);
      row.requests += from.requests;
      if (from.latency !== undefined) row.latency.add(from.latency);
    }
  }

  /** Sums every row's latency into `into` (the scope's histogram is built once per flush, not per request). */
  addLatencyTo(into: Histogram): void {
    for (const row of this.list) if (row.latency.totalCount > 0) into.add(row.latency);
  }

  reset(): void {
    for (const row of this.list) {
      row.requests = 0;
      row.latency.reset();
    }
  }

  private row(status: number, error: ErrorKind | undefined): KeyedRow {
    const key = keyOf(status, error);
    const last = this.last;
    if (last !== undefined && last.key === key) return last;
    for (const row of this.list) if (row.key === key) return (this.last = row);
    if (status !== OTHER_STATUS && this.list.length >= MAX_STATUS_ROWS) {
      return this.row(OTHER_STATUS, error === undefined ? undefined : 'other');
    }
    const row: KeyedRow = { key, status, error, requests: 0, latency: createHistogram() };
    this.list.push(row);
    return (this.last = row);
  }
}
