/**
 * Baseline comparison: the same figures from two saved results, scope by scope, judged against regression
 * budgets. Latency percentiles are recomputed from the stored HDR histograms, so both sides are exact. Pure.
 */
import { InputError } from '../errors.js';
import { decodeHistogram, type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
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

export type CompareMetric = keyof typeof COMPARE_METRICS;

/**
 * Default budgets (documented in docs/ci.md): latency may rise 10 % (p99 15 %), the error rate 1 percentage
 * point, throughput may fall 10 %. p99.9 and max are shown but not gated: one slow request moves them.
 */
export const DEFAULT_BUDGETS: Readonly<Record<CompareMetric, number | null>> = {
  p50: 0.1, p90: 0.1, p95: 0.1, p99: 0.15, p999: null, max: null, mean: 0.1, error_rate: 0.01, rps: 0.1,
};

/** Latency differences under this are timer noise on any machine, whatever the percentage. */
export const NOISE_FLOOR_MS = 1;
/** Scopes with fewer requests on either side are shown, not gated. */
export const MIN_SAMPLES = 20;

const ALIASES: Readonly<Record<string, CompareMetric>> = { 'p99.9': 'p999', avg: 'mean' };

/** "p95=10%", "error_rate=0.5%", "rps=5%", "p999=off": a budget override (the value of --max-regression). */
export function parseBudget(text: string): [CompareMetric, number | null] {
  const m = /^\s*([A-Za-z_][\w.]*)\s*=\s*(off|\d+(?:\.\d+)?%?)\s*$/.exec(text);
  const name = m?.[1] ?? '';
  const metric = Object.hasOwn(COMPARE_METRICS, name) ? (name as CompareMetric) : ALIASES[name];
  if (m === null || metric === undefined) {
    throw new InputError(
      `--max-regression "${text}": expected metric=N% with metric one of ${Object.keys(COMPARE_METRICS).join(', ')} (or =off)`,
    );
  }
  const raw = m[2] ?? '';
  if (raw === 'off') return [metric, null];
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
type WithScopes = RunResult & Partial<Record<ScopeKey, ScopeMap>> & { histograms: Partial<Record<ScopeKey, Record<string, string>>> };
type ScopeKey = 'byRequest' | 'byFlow' | 'byStep' | 'byService';

const SCOPE_KINDS = { byRequest: 'request', byFlow: 'flow', byStep: 'step', byService: 'service' } satisfies Record<ScopeKey, string>;

function view(metrics: ScopeMetrics, histogram: string | undefined): ScopeView {
  return { metrics, latency: histogram === undefined ? metrics.latencyMs : summarizeHistogram(decodeHistogram(histogram)) };
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

function judge(metric: CompareMetric, base: number, cur: number, budget: number | null): boolean {
  if (budget === null) return false;
  const kind = COMPARE_METRICS[metric].kind;
  if (kind === 'latency') return base > 0 && cur > base * (1 + budget) && cur - base >= NOISE_FLOOR_MS;
  if (kind === 'ratio') return cur - base > budget;
  return cur < base * (1 - budget);
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
    for (const metric of Object.keys(COMPARE_METRICS) as CompareMetric[]) {
      const rule: CompareRule = COMPARE_METRICS[metric];
      const x = rule.read(base.metrics, base.latency);
      const y = rule.read(cur.metrics, cur.latency);
      const budget = overrides.has(metric) ? (overrides.get(metric) ?? null) : DEFAULT_BUDGETS[metric];
      const row: CompareRow = {
        scope, metric, baseline: x, current: y, delta: y - x, relative: x !== 0 ? (y - x) / x : null, budget,
        regression: !few && judge(metric, x, y, budget),
      };
      if (few) row.note = `fewer than ${MIN_SAMPLES} requests: not gated`;
      rows.push(row);
    }
  }
  return rows;
}

/** Scope names present on one side only, so a renamed request is noticed rather than silently skipped. */
export function unmatchedScopes(baseline: RunResult, current: RunResult): { onlyBaseline: string[]; onlyCurrent: string[] } {
  const a = scopesOf(baseline);
  const b = scopesOf(current);
  return { onlyBaseline: [...a.keys()].filter((k) => !b.has(k)), onlyCurrent: [...b.keys()].filter((k) => !a.has(k)) };
}
