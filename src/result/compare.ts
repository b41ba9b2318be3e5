/**
 * Baseline comparison: the same figures from two saved results, scope by scope, each change with its confidence
 * interval, judged against regression budgets (compare-verdict.ts). Latency percentiles are recomputed from the
 * stored HDR histograms, so both sides are exact. Pure.
 */
import { InputError } from '../errors.js';
import { decodeHistogram, type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { CompareScopeGroup } from '../reporters/section.js';
import { DEFAULT_EVENT_BUDGETS, EVENT_COMPARE_METRICS, type EventCompareMetric } from '../workloads/events/compare.js';
import { sectionsOf } from '../workloads/registry.js';
import { errorRateInterval, rateBounds, relativeInterval } from './compare-interval.js';
import {
  type CompareKind,
  type CompareVerdict,
  type IntervalLatencyKey,
  judgeChange,
  LATENCY_STATS,
  MIN_SAMPLES,
  NOISE_FLOOR_MS,
  type LatencyEvidence,
  latencyIntervals,
} from './compare-verdict.js';
import { CAPACITY_BUDGET, capacityRow } from './compare-capacity.js';
import type { RunResult } from './run-result.js';

export type { CompareKind, CompareVerdict } from './compare-verdict.js';
export { NOISE_FLOOR_MS } from './compare-verdict.js';

interface CompareRule {
  /** latency: relative rise; ratio: absolute rise (percentage points); rate: relative fall. */
  kind: 'latency' | 'ratio' | 'rate';
  read(m: ScopeMetrics, latency: LatencySummary): number;
}

const lat = (key: keyof LatencySummary): CompareRule => ({ kind: 'latency', read: (_m, l) => l[key] });

export const COMPARE_METRICS = {
  p50: lat('p50'),
  p90: lat('p90'),
  p95: lat('p95'),
  p99: lat('p99'),
  p999: lat('p999'),
  max: lat('max'),
  mean: lat('mean'),
  error_rate: { kind: 'ratio', read: (m) => m.errorRate },
  rps: { kind: 'rate', read: (m) => m.rps },
} satisfies Record<string, CompareRule>;

type RequestCompareMetric = keyof typeof COMPARE_METRICS;
/** A request-scope figure (p95, error_rate, rps…) or an event one (e2e_p99, lost…). */
export type CompareMetric = RequestCompareMetric | EventCompareMetric | 'capacity';
export function compareKind(metric: CompareMetric): CompareKind {
  if (metric === 'capacity') return 'rate';
  return Object.hasOwn(COMPARE_METRICS, metric)
    ? COMPARE_METRICS[metric as RequestCompareMetric].kind
    : EVENT_COMPARE_METRICS[metric as EventCompareMetric].kind;
}

const isCompareMetric = (name: string): name is CompareMetric =>
  name === 'capacity' || Object.hasOwn(COMPARE_METRICS, name) || Object.hasOwn(EVENT_COMPARE_METRICS, name);

/**
 * Default budgets (documented in docs/ci.md): latency may rise 10 % (p99 15 %), the error rate 1 percentage
 * point, throughput may fall 10 %. p99.9 and max are shown but not gated: one slow request moves them. Nor is the
 * mean: a few slow requests move it too (its interval assumes a tail lighter than latency has), and the
 * percentiles already judge the same change robustly.
 */
export const DEFAULT_BUDGETS: Readonly<Record<CompareMetric, number | null>> = {
  p50: 0.1,
  p90: 0.1,
  p95: 0.1,
  p99: 0.15,
  p999: null,
  max: null,
  mean: null,
  error_rate: 0.01,
  rps: 0.1,
  ...DEFAULT_EVENT_BUDGETS,
  capacity: CAPACITY_BUDGET,
};

export { MIN_SAMPLES } from './compare-verdict.js';

const ALIASES: Readonly<Record<string, CompareMetric>> = { 'p99.9': 'p999', avg: 'mean', 'e2e_p99.9': 'e2e_p999' };

/**
 * "p95=10%", "error_rate=0.5%", "rps=5%", "p999=off", "e2e_p99=10%", "lost=0": a budget override (the value of
 * --max-regression). Count metrics (lost, undelivered) take a number of messages, not a percentage.
 */
export function parseBudget(text: string): [CompareMetric, number | null] {
  const m = /^\s*([A-Za-z_][\w.]*)\s*=\s*(off|\d+(?:\.\d+)?%?)\s*$/.exec(text);
  const name = m?.[1] ?? '';
  const metric = isCompareMetric(name) ? name : ALIASES[name];
  if (m === null || metric === undefined) {
    const names = [...Object.keys(COMPARE_METRICS), ...Object.keys(EVENT_COMPARE_METRICS), 'capacity'].join(', ');
    throw new InputError(`--max-regression "${text}": expected metric=N% with metric one of ${names} (or =off)`);
  }
  const raw = m[2] ?? '';
  if (raw === 'off') return [metric, null];
  if (compareKind(metric) === 'count') {
    if (raw.endsWith('%'))
      throw new InputError(`--max-regression "${text}": ${metric} counts messages: give a number (e.g. ${metric}=0)`);
    return [metric, Number(raw)];
  }
  return [metric, raw.endsWith('%') ? Number(raw.slice(0, -1)) / 100 : Number(raw)];
}

export interface CompareRow {
  /** "run", or "request:GET /users", "step:create-user", ... */
  scope: string;
  metric: CompareMetric;
  baseline: number;
  current: number;
  /** current − baseline, in the metric's unit (ms, fraction, per second). */
  delta: number;
  /** delta / baseline, when the baseline is not zero. */
  relative: number | null;
  /**
   * The change's confidence interval (CONFIDENCE, two-sided): of `relative` for latency and rate figures, of
   * `delta` for error rates; null for counts, the maximum, and figures with too few samples to bound.
   */
  interval: [number, number] | null;
  budget: number | null;
  verdict: CompareVerdict;
  /** verdict === 'regression': beyond its budget and statistically real. */
  regression: boolean;
  note?: string;
}

interface ScopeView {
  metrics: ScopeMetrics;
  latency: LatencySummary;
  evidence: LatencyEvidence;
  /** The whole run's per-second rates (the time series), for the throughput's interval. */
  perSecondRps?: number[];
}

function view(metrics: ScopeMetrics, encoded: string | undefined, windows: readonly string[] | undefined): ScopeView {
  const histogram = encoded === undefined ? undefined : decodeHistogram(encoded);
  return {
    metrics,
    latency: histogram === undefined ? metrics.latencyMs : summarizeHistogram(histogram),
    evidence: { histogram, windows },
  };
}

/** Per-second histograms of a scope, when the result kept one for every point of its time series. */
function windowsOf(result: RunResult, scope: string | undefined): string[] | undefined {
  const h = result.histograms;
  const windows = scope === undefined ? h.timeseries : h.timeseriesByScope?.[scope];
  return windows?.length === result.timeseries.length ? windows : undefined;
}

/** Every scope of a result by display name, the whole run first. */
export function scopesOf(result: RunResult): Map<string, ScopeView> {
  const r = result;
  const run = view(r.metrics, r.histograms.total, windowsOf(r, undefined));
  const out = new Map<string, ScopeView>([['run', { ...run, perSecondRps: r.timeseries.map((p) => p.rps) }]]);
  const requests: CompareScopeGroup = {
    kind: 'request',
    scopes: r.byRequest,
    histograms: r.histograms.byRequest,
    perSecond: true,
  };
  const groups = [requests, ...sectionsOf(r).flatMap((s) => s.compareScopes?.(r) ?? [])];
  for (const { kind, scopes, histograms, perSecond } of groups) {
    const entries = Object.entries(scopes ?? {});
    // A lone request is the whole run again: one set of rows is enough.
    if (kind === 'request' && entries.length === 1) continue;
    for (const [name, m] of entries)
      out.set(`${kind}:${name}`, view(m, histograms?.[name], perSecond ? windowsOf(r, name) : undefined));
  }
  return out;
}

export interface SectionRowInput {
  scope: string;
  metric: CompareMetric;
  baseline: number;
  current: number;
  interval: [number, number] | null;
  /** Why the row is shown but not judged (too few samples), if so. */
  ungated: string | undefined;
  /** Latency changes under this many ms are noise (raised when a generator was saturated). */
  floorMs: number;
}

function row(r: SectionRowInput, overrides: ReadonlyMap<CompareMetric, number | null>): CompareRow {
  const { scope, metric, baseline: x, current: y, interval } = r;
  const budget = overrides.has(metric) ? (overrides.get(metric) ?? null) : DEFAULT_BUDGETS[metric];
  const kind = compareKind(metric);
  const needsInterval = kind !== 'count' && metric !== 'max' && metric !== 'e2e_max';
  const verdict = judgeChange({
    kind,
    baseline: x,
    current: y,
    budget,
    interval,
    needsInterval,
    fewSamples: r.ungated !== undefined,
    floorMs: r.floorMs,
  });
  const out: CompareRow = {
    scope,
    metric,
    baseline: x,
    current: y,
    delta: y - x,
    relative: x !== 0 ? (y - x) / x : null,
    interval,
    budget,
    verdict,
    regression: verdict === 'regression',
  };
  const note = budget === null ? 'budget off' : r.ungated;
  if (note !== undefined && verdict !== 'regression' && verdict !== 'within noise') out.note = note;
  return out;
}

const isIntervalLatency = (metric: string): metric is IntervalLatencyKey => Object.hasOwn(LATENCY_STATS, metric);

/** The interval of every request-scope figure of one scope. */
function scopeIntervals(base: ScopeView, cur: ScopeView): (metric: RequestCompareMetric) => [number, number] | null {
  const latency = latencyIntervals(base.evidence, cur.evidence);
  const errors = errorRateInterval(base.metrics, cur.metrics);
  const rate =
    base.perSecondRps === undefined || cur.perSecondRps === undefined
      ? null
      : relativeInterval(
          rateBounds(base.metrics.rps, base.perSecondRps, base.metrics.requests),
          rateBounds(cur.metrics.rps, cur.perSecondRps, cur.metrics.requests),
        );
  return (metric) => {
    if (isIntervalLatency(metric)) return latency[metric];
    return metric === 'error_rate' ? errors : metric === 'rps' ? rate : null;
  };
}

export function compareResults(
  baseline: RunResult,
  current: RunResult,
  overrides: ReadonlyMap<CompareMetric, number | null> = new Map(),
): CompareRow[] {
  const a = scopesOf(baseline);
  const b = scopesOf(current);
  const rows: CompareRow[] = [];
  const floorOf = (m: RequestCompareMetric): number => latencyFloorMs(baseline, current, m);
  for (const [scope, base] of a) {
    const cur = b.get(scope);
    if (cur === undefined) continue;
    const few = Math.min(base.metrics.requests, cur.metrics.requests) < MIN_SAMPLES;
    const ungated = few ? `fewer than ${MIN_SAMPLES} requests` : undefined;
    const intervalOf = scopeIntervals(base, cur);
    for (const metric of Object.keys(COMPARE_METRICS) as RequestCompareMetric[]) {
      const rule: CompareRule = COMPARE_METRICS[metric];
      const [baseline, current] = [rule.read(base.metrics, base.latency), rule.read(cur.metrics, cur.latency)];
      rows.push(
        row(
          {
            scope,
            metric,
            baseline,
            current,
            interval: intervalOf(metric),
            ungated,
            floorMs: floorOf(metric),
          },
          overrides,
        ),
      );
    }
  }
  const capacity = capacityRow(baseline, current);
  const judge = (input: SectionRowInput): CompareRow => row(input, overrides);
  const sectionRows = sectionsOf(baseline).flatMap((s) => s.compareRows?.(baseline, current, judge) ?? []);
  return [...rows, ...sectionRows, ...(capacity ? [row(capacity, overrides)] : [])];
}

/**
 * A saturated generator's lateness is in every latency it measured (latency runs from the intended start): a
 * change smaller than that lateness says nothing of the target. Its lateness is on both sides of a request: the
 * start left late (send delay, read at the same percentile) and the answer was read late by a busy event loop
 * (its delay p99). The send delay alone let a busy machine's run read 39 % slower at p95 (50.7 ms against
 * 36.4 ms, send delay p95 12.8 ms, loop delay p99 30.8 ms) and be judged a real change.
 */
export function latencyFloorMs(baseline: RunResult, current: RunResult, metric: RequestCompareMetric): number {
  const key = metric === 'error_rate' || metric === 'rps' ? 'p50' : metric;
  const own = (r: RunResult): number =>
    r.generator.saturated ? Math.round((r.sendDelayMs[key] + r.generator.eventLoopDelayP99Ms) * 100) / 100 : 0;
  return Math.max(NOISE_FLOOR_MS, own(baseline), own(current));
}

/** Scope names present on one side only, so a renamed request is noticed rather than silently skipped. */
export function unmatchedScopes(
  baseline: RunResult,
  current: RunResult,
): { onlyBaseline: string[]; onlyCurrent: string[] } {
  const names = (r: RunResult): Set<string> =>
    new Set([...scopesOf(r).keys(), ...sectionsOf(r).flatMap((s) => s.compareScopeNames?.(r) ?? [])]);
  const a = names(baseline);
  const b = names(current);
  return { onlyBaseline: [...a.keys()].filter((k) => !b.has(k)), onlyCurrent: [...b.keys()].filter((k) => !a.has(k)) };
}
