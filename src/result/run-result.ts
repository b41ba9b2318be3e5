import type { ErrorCounts } from '../metrics/error-kinds.js';
import type { ConnectionFigures } from '../engines/http/connect-stats.js';
import { encodeHistogram, type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { RunAggregator, ScopeMetrics, TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { GeneratorHealth } from '../metrics/saturation.js';
import type { MetricSource, SloVerdict } from '../slo/evaluate.js';
import type { SloSpec } from '../slo/parse.js';
import type { Shard } from '../scenario/shard.js';
import type { EventsSection } from '../workloads/events/section.js';
import type { GrpcSection } from '../workloads/grpc/section.js';
import type { FlowHistograms, FlowResultParts } from '../workloads/flows/section.js';
import type { WebSocketSection } from '../workloads/websocket/section.js';

/** Bumped on any incompatible change to the JSON result; documented in docs/result-schema.md. */
export const RESULT_SCHEMA_VERSION = 1;

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'backend-bench'; version: string };
  runId: string;
  scenario: string;
  /** The target as shown to users: credentials removed. */
  target: string;
  model: 'open' | 'closed';
  startedAt: string;
  durationMs: number;
  interrupted: boolean;
  /** The SLO whose early-abort rule stopped the run, if one did. */
  abortedBy: string | null;
  pass: boolean;
  metrics: ScopeMetrics;
  byRequest: Record<string, ScopeMetrics>;
  errorsByKind: ErrorCounts;
  /** Distinct error messages with their counts (the first few seen). */
  errorSamples: Record<string, number>;
  /** Open model: how late starts left compared with their schedule (actual − intended). */
  sendDelayMs: LatencySummary;
  slos: SloVerdict[];
  generator: GeneratorHealth;
  /**
   * HDR histograms (compressed base64, microseconds) so results can be merged and compared exactly. `sendDelay`
   * is the open model's send delay; `timeseries` holds each time-series point's latency histogram (so merged
   * points get exact percentiles) and `timeseriesByScope` the same per request scope (so compare can bootstrap
   * over seconds); results of older versions may lack both.
   */
  histograms: {
    total: string;
    byRequest: Record<string, string>;
    sendDelay?: string;
    timeseries?: string[];
    timeseriesByScope?: Record<string, string[]>;
  } & Partial<FlowHistograms>;
  timeseries: TimeseriesPoint[];
  /** The SLOs as specified (expression, abort rule, minimum samples), so `merge` can judge merged shards once. */
  sloSpecs?: SloSpecRecord[];
  /** Set by `run --shard i/n`: which part of a split run this is (index 1-based, as given). */
  shard?: { index: number; count: number };
  /** Set by `merge --allow-partial` when shards were missing: the figures cover part of the load only. */
  partial?: true;
  /**
   * Set by `merge`: the shards' windows. Rates are over their overlap (`rateFrom: 'overlap'`), or the sum of the
   * shards' own rates when they did not overlap by a whole second; `durationMs` is the span.
   */
  mergedWindow?: { overlapMs: number; spanMs: number; rateFrom: 'overlap' | 'sum of shard rates' };
  /** Set by `merge`: the shard results this one was made from. */
  mergedFrom?: { runId: string; startedAt: string; shard?: { index: number; count: number } }[];
  /** Flow runs only: per flow (iterations), step and service, and the trace ids of notable iterations. */
  byFlow?: FlowResultParts['byFlow'];
  byStep?: FlowResultParts['byStep'];
  byService?: FlowResultParts['byService'];
  traces?: FlowResultParts['traces'];
  /** How connections were made, per scope ("target", or a flow service): protocol, connect and TLS handshake times. */
  connections?: Record<string, ConnectionFigures>;
  flowTimeseries?: FlowResultParts['flowTimeseries'];
  /** Event runs only: publish/consume figures, loss, lag (the run's `metrics` count publishes as requests). */
  events?: EventsSection;
  /** gRPC runs only: each call's method and kind, and the figures of streaming calls. */
  grpc?: GrpcSection;
  /** WebSocket runs only: sessions, connect time, messages, close codes (`metrics` count round trips). */
  websocket?: WebSocketSection;
  /**
   * Why the run could not be carried out to its end although it ran (a broker connection lost and never restored):
   * the figures are written, `pass` is false and the exit code is 3. Absent when the run was carried out.
   */
  failure?: string;
  /**
   * Outputs that failed during the run (an OTLP export, a Pushgateway push, a /metrics bind), one line each;
   * absent when every output worked. They do not change `pass`; `--strict-outputs` makes them exit 3.
   */
  warnings?: string[];
}

/** An SLO as the scenario gave it: re-parsed from `expr` when a result is judged again. */
export interface SloSpecRecord {
  expr: string;
  abortOnFail: boolean;
  graceMs: number;
  minSamples: number;
}

export interface RunFacts {
  runId: string;
  version: string;
  scenario: string;
  target: string;
  model: 'open' | 'closed';
  startedAt: Date;
  interrupted: boolean;
  abortedBy: string | null;
  /** The part of a split run this process ran (0-based index internally). */
  shard?: Shard;
  slos?: readonly SloSpec[];
  /** Keep each time-series point's latency histogram (for merging results exactly, and for compare). */
  pointHistograms?: readonly string[];
}

/** The SLO evaluator's view of a run in progress or finished. */
export function metricSource(aggregator: RunAggregator): MetricSource {
  return { global: aggregator.metrics(), scopes: { request: aggregator.byScope() } };
}

export function buildResult(
  facts: RunFacts,
  aggregator: RunAggregator,
  verdicts: SloVerdict[],
  generator: GeneratorHealth,
): RunResult {
  const byRequestHistograms: Record<string, string> = {};
  for (const [name, totals] of aggregator.scopes) byRequestHistograms[name] = encodeHistogram(totals.latency);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'backend-bench', version: facts.version },
    runId: facts.runId,
    scenario: facts.scenario,
    target: facts.target,
    model: facts.model,
    startedAt: facts.startedAt.toISOString(),
    durationMs: Math.round(aggregator.elapsedMs),
    interrupted: facts.interrupted,
    abortedBy: facts.abortedBy,
    pass: verdicts.every((v) => v.pass),
    metrics: aggregator.metrics(),
    byRequest: aggregator.byScope(),
    errorsByKind: { ...aggregator.errorsByKind },
    errorSamples: Object.fromEntries(aggregator.errorSamples),
    sendDelayMs: summarizeHistogram(aggregator.sendDelay),
    slos: verdicts,
    generator,
    histograms: {
      total: encodeHistogram(aggregator.total.latency),
      byRequest: byRequestHistograms,
      sendDelay: encodeHistogram(aggregator.sendDelay),
      ...(facts.pointHistograms && { timeseries: [...facts.pointHistograms] }),
      ...(aggregator.scopePointHistograms && {
        timeseriesByScope: Object.fromEntries(aggregator.scopePointHistograms),
      }),
    },
    timeseries: aggregator.timeseries,
    sloSpecs: (facts.slos ?? []).map((s) => ({
      expr: s.expr,
      abortOnFail: s.abortOnFail,
      graceMs: s.graceMs,
      minSamples: s.minSamples,
    })),
    ...(facts.shard && { shard: { index: facts.shard.index + 1, count: facts.shard.count } }),
  };
}
