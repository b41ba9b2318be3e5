import { type ErrorCounts, type ErrorKind, emptyErrorCounts, isGeneratorFault } from './error-kinds.js';
import type { EventCounts } from './event-recorder.js';
import { type Histogram, createHistogram, recordMs } from './histogram.js';
import { type StatusRow, StatusTable } from './status-table.js';

/** Counters and latency for one scope (a request name, or the whole run) over one interval. */
export interface ScopeCounts {
  requests: number;
  errors: number;
  dropped: number;
  latency: Histogram;
  /**
   * The same requests split by response status and error kind (HTTP scopes; the run total has none). Rows
   * persist across intervals: a row with 0 requests saw none this interval.
   */
  statuses?: readonly StatusRow[];
}

/** What the hot path produced during one interval. Consumed synchronously, then the recorder reuses it. */
export interface IntervalSnapshot {
  /** Milliseconds since the run started, at the end of this interval. */
  elapsedMs: number;
  total: ScopeCounts;
  scopes: ReadonlyMap<string, ScopeCounts>;
  errorsByKind: ErrorCounts;
  /** Send delay (actual start − intended start) of open-model requests. */
  sendDelay: Histogram;
  inFlight: number;
  /** Distinct error messages seen this interval, with counts (bounded), so users see *why* requests failed. */
  errorSamples: ReadonlyMap<string, number>;
  /** The arrival rate the open model aimed for at the end of the interval (0 in the closed model). */
  targetRate: number;
}

/** Anything an engine may push samples into; engines never know who listens. */
export interface SampleSink {
  /**
   * A finished request. `latencyMs` is omitted for failures that got no answer (refused, reset, dns).
   * `status` is the HTTP response status, 0 when none came; omitted by non-HTTP work (event publishes).
   */
  request(scope: number, latencyMs: number | undefined, error: ErrorKind | undefined, status?: number): void;
  /** Open-model starts the generator could not make (in-flight cap reached, or the schedule ended first). */
  dropped(scope: number, count?: number): void;
  sendDelay(ms: number): void;
  /** The text of an error, e.g. "connect ECONNREFUSED 127.0.0.1:9"; only a few distinct ones are kept. */
  errorSample(kind: ErrorKind, message: string): void;
  setInFlight(n: number): void;
  setTargetRate(rate: number): void;
}

export const MAX_ERROR_SAMPLES = 20;

/** Another recorder's interval (a worker thread's), scopes by index, to fold into this one. */
export interface ForeignInterval {
  scopes: readonly {
    requests: number;
    errors: number;
    dropped: number;
    /** The scope's whole latency; when `statuses` has rows it is their sum, and the rows are added instead. */
    latency: Histogram | undefined;
    statuses?: readonly {
      status: number;
      error: ErrorKind | undefined;
      requests: number;
      latency: Histogram | undefined;
    }[];
  }[];
  errorsByKind: Readonly<ErrorCounts>;
  sendDelay: Histogram | undefined;
  inFlight: number;
  targetRate: number;
  errorSamples: Iterable<readonly [string, number]>;
  /** An event run's producer thread: its event counts per queue, which the event recorder adds (see its absorb). */
  events?: readonly EventCounts[];
}

function emptyScope(): ScopeCounts {
  return { requests: 0, errors: 0, dropped: 0, latency: createHistogram() };
}

function resetScope(s: ScopeCounts): void {
  s.requests = 0;
  s.errors = 0;
  s.dropped = 0;
  s.latency.reset();
}

/**
 * The hot-path sink: plain counters and HDR histograms, no allocation per request.
 * Scopes are addressed by index (fixed at plan time) so recording does no string lookups.
 */
export class IntervalRecorder implements SampleSink {
  private readonly total = emptyScope();
  private readonly scopes: ScopeCounts[];
  /** By scope index: the scope's requests split by status (its `statuses` are these tables' rows). */
  private readonly tables: StatusTable[];
  private readonly names: readonly string[];
  private readonly errorsByKind = emptyErrorCounts();
  private readonly sendDelayHistogram = createHistogram();
  private readonly errorSamples = new Map<string, number>();
  private inFlight = 0;
  private targetRate = 0;
  /** Gauges of folded-in intervals: summed for the next flush only. */
  private foreignInFlight = 0;
  private foreignTargetRate = 0;

  constructor(scopeNames: readonly string[]) {
    this.names = scopeNames;
    this.tables = scopeNames.map(() => new StatusTable());
    this.scopes = this.tables.map((table) => ({ ...emptyScope(), statuses: table.rows }));
  }

  request(scope: number, latencyMs: number | undefined, error: ErrorKind | undefined, status?: number): void {
    const s = this.scopes[scope];
    if (s === undefined) throw new RangeError(`unknown scope ${scope}`);
    // The generator ran out of its own resources: the target never saw this request, so it is not one of its.
    if (isGeneratorFault(error)) return void this.errorsByKind.local_resource++;
    s.requests++;
    this.total.requests++;
    if (error !== undefined) {
      s.errors++;
      this.total.errors++;
      this.errorsByKind[error]++;
    }
    // One histogram record per request: the scope's histogram is the sum of its status rows, and the total's the
    // sum of the scopes', both built once per flush.
    if (status !== undefined) (this.tables[scope] as StatusTable).record(status, error, latencyMs);
    else if (latencyMs !== undefined) recordMs(s.latency, latencyMs);
  }

  dropped(scope: number, count = 1): void {
    const s = this.scopes[scope];
    if (s === undefined) throw new RangeError(`unknown scope ${scope}`);
    s.dropped += count;
    this.total.dropped += count;
  }

  sendDelay(ms: number): void {
    recordMs(this.sendDelayHistogram, ms);
  }

  errorSample(kind: ErrorKind, message: string): void {
    const key = `${kind}: ${message}`;
    const count = this.errorSamples.get(key);
    if (count !== undefined) this.errorSamples.set(key, count + 1);
    else if (this.errorSamples.size < MAX_ERROR_SAMPLES) this.errorSamples.set(key, 1);
  }

  setInFlight(n: number): void {
    this.inFlight = n;
  }

  setTargetRate(rate: number): void {
    this.targetRate = rate;
  }

  /** Adds another recorder's interval to the current one: counts and histograms exactly, gauges summed. */
  absorb(part: ForeignInterval): void {
    part.scopes.forEach((from, i) => {
      const s = this.scopes[i];
      if (s === undefined) throw new RangeError(`unknown scope ${i}`);
      s.requests += from.requests;
      s.errors += from.errors;
      s.dropped += from.dropped;
      if (from.statuses !== undefined && from.statuses.length > 0) (this.tables[i] as StatusTable).add(from.statuses);
      else if (from.latency !== undefined) s.latency.add(from.latency);
      this.total.requests += from.requests;
      this.total.errors += from.errors;
      this.total.dropped += from.dropped;
    });
    for (const k of Object.keys(this.errorsByKind) as ErrorKind[]) this.errorsByKind[k] += part.errorsByKind[k];
    if (part.sendDelay !== undefined) this.sendDelayHistogram.add(part.sendDelay);
    for (const [key, count] of part.errorSamples) {
      const seen = this.errorSamples.get(key);
      if (seen !== undefined) this.errorSamples.set(key, seen + count);
      else if (this.errorSamples.size < MAX_ERROR_SAMPLES) this.errorSamples.set(key, count);
    }
    this.foreignInFlight += part.inFlight;
    this.foreignTargetRate += part.targetRate;
  }

  /** Hands the interval to `consume`, then clears it for the next one. */
  flush(elapsedMs: number, consume: (snapshot: IntervalSnapshot) => void): void {
    const scopes = new Map<string, ScopeCounts>();
    this.names.forEach((name, i) => {
      const s = this.scopes[i];
      if (s !== undefined) scopes.set(name, s);
    });
    this.scopes.forEach((scope, i) => {
      this.tables[i]?.addLatencyTo(scope.latency);
      this.total.latency.add(scope.latency);
    });
    consume({
      elapsedMs,
      total: this.total,
      scopes,
      errorsByKind: this.errorsByKind,
      sendDelay: this.sendDelayHistogram,
      inFlight: this.inFlight + this.foreignInFlight,
      errorSamples: this.errorSamples,
      targetRate: this.targetRate + this.foreignTargetRate,
    });
    this.foreignInFlight = 0;
    this.foreignTargetRate = 0;
    resetScope(this.total);
    this.scopes.forEach(resetScope);
    for (const table of this.tables) table.reset();
    for (const k of Object.keys(this.errorsByKind) as ErrorKind[]) this.errorsByKind[k] = 0;
    this.sendDelayHistogram.reset();
    this.errorSamples.clear();
  }
}
