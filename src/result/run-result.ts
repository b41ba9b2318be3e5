import type { ErrorCounts } from '../metrics/error-kinds.js';
import { encodeHistogram, type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { RunAggregator, ScopeMetrics, TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { GeneratorHealth } from '../metrics/saturation.js';
import type { MetricSource, SloVerdict } from '../slo/evaluate.js';
import type { EventsSection } from './events-result.js';
import type { FlowHistograms, FlowResultParts } from './flow-result.js';

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
  /** HDR histograms (compressed base64, microseconds) so results can be merged and compared exactly. */
  histograms: { total: string; byRequest: Record<string, string> } & Partial<FlowHistograms>;
  timeseries: TimeseriesPoint[];
  /** Flow runs only: per flow (iterations), step and service, and the trace ids of notable iterations. */
  byFlow?: FlowResultParts['byFlow'];
  byStep?: FlowResultParts['byStep'];
  byService?: FlowResultParts['byService'];
  traces?: FlowResultParts['traces'];
  /** Event runs only: publish/consume figures, loss, lag (the run's `metrics` count publishes as requests). */
  events?: EventsSection;
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
    histograms: { total: encodeHistogram(aggregator.total.latency), byRequest: byRequestHistograms },
    timeseries: aggregator.timeseries,
  };
}
