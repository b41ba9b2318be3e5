/**
 * Baseline comparison: the same figures from two saved results, scope by scope, judged against regression
 * budgets. Latency percentiles are recomputed from the stored HDR histograms, so both sides are exact. Pure.
 */
import { InputError } from '../errors.js';
import { decodeHistogram, type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import {
  DEFAULT_EVENT_BUDGETS,
  EVENT_COMPARE_METRICS,
  type EventCompareMetric,
  eventScopesOf,
  expectedMessages,
} from './compare-events.js';
import type { RunResult } from './run-result.js';

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
export type CompareMetric = RequestCompareMetric | EventCompareMetric;
/** latency: relative rise; ratio: absolute rise (percentage points); rate: relative fall; count: absolute rise. */
export type CompareKind = 'latency' | 'ratio' | 'rate' | 'count';

export function compareKind(metric: CompareMetric): CompareKind {
  return Object.hasOwn(COMPARE_METRICS, metric)
    ? COMPARE_METRICS[metric as RequestCompareMetric].kind
    : EVENT_COMPARE_METRICS[metric as EventCompareMetric].kind;
}

const isCompareMetric = (name: string): name is CompareMetric =>
  Object.hasOwn(COMPARE_METRICS, name) || Object.hasOwn(EVENT_COMPARE_METRICS, name);

/**
 * Default budgets (documented in docs/ci.md): latency may rise 10 % (p99 15 %), the error rate 1 percentage
 * point, throughput may fall 10 %. p99.9 and max are shown but not gated: one slow request moves them.
 */
export const DEFAULT_BUDGETS: Readonly<Record<CompareMetric, number | null>> = {
  p50: 0.1,
  p90: 0.1,
  p95: 0.1,
  p99: 0.15,
  p999: null,
  max: null,
  mean: 0.1,
  error_rate: 0.01,
  rps: 0.1,
  ...DEFAULT_EVENT_BUDGETS,
};

/** Latency differences under this are timer noise on any machine, whatever the percentage. */
export const NOISE_FLOOR_MS = 1;
/** Scopes with fewer requests on either side are shown, not gated. */
export const MIN_SAMPLES = 20;

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
    const names = [...Object.keys(COMPARE_METRICS), ...Object.keys(EVENT_COMPARE_METRICS)].join(', ');
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
  budget: number | null;
  regression: boolean;
  note?: string;
}

interface ScopeView {
  metrics: ScopeMetrics;
  latency: LatencySummary;
}

type ScopeMap = Record<string, ScopeMetrics>;
/** Results may carry flow scopes (byFlow/byStep/byService with histograms under the same keys). */
type WithScopes = RunResult &
  Partial<Record<ScopeKey, ScopeMap>> & { histograms: Partial<Record<ScopeKey, Record<string, string>>> };
type ScopeKey = 'byRequest' | 'byFlow' | 'byStep' | 'byService';

const SCOPE_KINDS = { byRequest: 'request', byFlow: 'flow', byStep: 'step', byService: 'service' } satisfies Record<
  ScopeKey,
  string
>;

function view(metrics: ScopeMetrics, histogram: string | undefined): ScopeView {
  return {
    metrics,
    latency: histogram === undefined ? metrics.latencyMs : summarizeHistogram(decodeHistogram(histogram)),
  };
}

/** Every scope of a result by display name, the whole run first. */
export function scopesOf(result: RunResult): Map<string, ScopeView> {
  const r = result as WithScopes;
  const out = new Map<string, ScopeView>([['run', view(r.metrics, r.histograms.total)]]);
  for (const [key, kind] of Object.entries(SCOPE_KINDS) as [ScopeKey, string][]) {
    const entries = Object.entries(r[key] ?? {});
    // A lone request is the whole run again: one set of rows is enough.
    if (key === 'byRequest' && entries.length === 1) continue;
    for (const [name, m] of entries) out.set(`${kind}:${name}`, view(m, r.histograms[key]?.[name]));
  }
  return out;
}

const REGRESSED = {
  latency: (base, cur, budget) => base > 0 && cur > base * (1 + budget) && cur - base >= NOISE_FLOOR_MS,
  ratio: (base, cur, budget) => cur - base > budget,
  rate: (base, cur, budget) => cur < base * (1 - budget),
  count: (base, cur, budget) => cur - base > budget,
} satisfies Record<CompareKind, (base: number, cur: number, budget: number) => boolean>;

function judge(metric: CompareMetric, base: number, cur: number, budget: number | null): boolean {
  return budget !== null && REGRESSED[compareKind(metric)](base, cur, budget);
}

interface RowInput {
  scope: string;
  metric: CompareMetric;
  baseline: number;
  current: number;
  /** Why the row is shown but not gated (too few samples), if so. */
  ungated: string | undefined;
}

function row(r: RowInput, overrides: ReadonlyMap<CompareMetric, number | null>): CompareRow {
  const { scope, metric, baseline: x, current: y } = r;
  const budget = overrides.has(metric) ? (overrides.get(metric) ?? null) : DEFAULT_BUDGETS[metric];
  const out: CompareRow = {
    scope,
    metric,
    baseline: x,
    current: y,
    delta: y - x,
    relative: x !== 0 ? (y - x) / x : null,
    budget,
    regression: r.ungated === undefined && judge(metric, x, y, budget),
  };
  if (r.ungated !== undefined) out.note = r.ungated;
  return out;
}

export function compareResults(
  baseline: RunResult,
  current: RunResult,
  overrides: ReadonlyMap<CompareMetric, number | null> = new Map(),
): CompareRow[] {
  const a = scopesOf(baseline);
  const b = scopesOf(current);
  const rows: CompareRow[] = [];
  for (const [scope, base] of a) {
    const cur = b.get(scope);
    if (cur === undefined) continue;
    const few = Math.min(base.metrics.requests, cur.metrics.requests) < MIN_SAMPLES;
    const ungated = few ? `fewer than ${MIN_SAMPLES} requests: not gated` : undefined;
    for (const metric of Object.keys(COMPARE_METRICS) as RequestCompareMetric[]) {
      const rule: CompareRule = COMPARE_METRICS[metric];
      const [baseline, current] = [rule.read(base.metrics, base.latency), rule.read(cur.metrics, cur.latency)];
      rows.push(row({ scope, metric, baseline, current, ungated }, overrides));
    }
  }
  return [...rows, ...compareEvents(baseline, current, overrides)];
}

/** Event scopes where both runs consumed: e2e percentiles and messages lost or left undelivered. */
function compareEvents(
  baseline: RunResult,
  current: RunResult,
  overrides: ReadonlyMap<CompareMetric, number | null>,
): CompareRow[] {
  const b = eventScopesOf(current);
  const rows: CompareRow[] = [];
  for (const [scope, base] of eventScopesOf(baseline)) {
    const cur = b.get(scope);
    if (cur === undefined || !base.consumes || !cur.consumes) continue;
    const few = Math.min(expectedMessages(base), expectedMessages(cur)) < MIN_SAMPLES;
    const ungated = few ? `fewer than ${MIN_SAMPLES} messages: not gated` : undefined;
    for (const metric of Object.keys(EVENT_COMPARE_METRICS) as EventCompareMetric[]) {
      const rule = EVENT_COMPARE_METRICS[metric];
      rows.push(row({ scope, metric, baseline: rule.read(base), current: rule.read(cur), ungated }, overrides));
    }
  }
  return rows;
}

/** Scope names present on one side only, so a renamed request is noticed rather than silently skipped. */
export function unmatchedScopes(
  baseline: RunResult,
  current: RunResult,
): { onlyBaseline: string[]; onlyCurrent: string[] } {
  const names = (r: RunResult): Set<string> => new Set([...scopesOf(r).keys(), ...eventScopesOf(r).keys()]);
  const a = names(baseline);
  const b = names(current);
  return { onlyBaseline: [...a.keys()].filter((k) => !b.has(k)), onlyCurrent: [...b.keys()].filter((k) => !a.has(k)) };
}
