/**
 * How sure compare is of a change, and what it makes of it. A change is a regression only when it is beyond its
 * budget (large enough to matter) AND its confidence interval excludes zero (real, not noise), as Criterion.rs
 * judges a benchmark against its noise threshold and significance level. docs/ci.md explains the choice. Pure.
 */
import type { Histogram } from '../metrics/histogram.js';
import { bootstrapRatios, type LatencyStat, MIN_BLOCKS, ratioInterval } from './bootstrap.js';
import { type Bounds, CONFIDENCE, meanBounds, quantileBounds, relativeInterval } from './compare-interval.js';
import { latencyWindows } from './latency-windows.js';

/** latency: relative rise; ratio: absolute rise (percentage points); rate: relative fall; count: absolute rise. */
export type CompareKind = 'latency' | 'ratio' | 'rate' | 'count';

/** `not judged`: its budget is off. */
export type CompareVerdict = 'regression' | 'improvement' | 'within noise' | 'too few samples' | 'not judged';

/** Latency differences under this are timer noise on any machine, whatever the percentage or the interval. */
export const NOISE_FLOOR_MS = 1;

/** Scopes with fewer requests (or messages) on either side are shown, not gated. */
export const MIN_SAMPLES = 20;

type Rule = (base: number, cur: number, budget: number, floorMs: number) => boolean;

const WORSE = {
  latency: (base, cur, budget, floorMs) => base > 0 && cur > base * (1 + budget) && cur - base >= floorMs,
  ratio: (base, cur, budget) => cur - base > budget,
  rate: (base, cur, budget) => cur < base * (1 - budget),
  count: (base, cur, budget) => cur - base > budget,
} satisfies Record<CompareKind, Rule>;

const BETTER = {
  latency: (base, cur, budget, floorMs) => cur < base * (1 - budget) && base - cur >= floorMs,
  ratio: (base, cur, budget) => base - cur > budget,
  rate: (base, cur, budget) => cur > base * (1 + budget),
  count: (base, cur) => cur < base,
} satisfies Record<CompareKind, Rule>;

export interface Judged {
  kind: CompareKind;
  baseline: number;
  current: number;
  budget: number | null;
  /** The change's interval (relative for latency and rate, absolute for ratios); null when none can be had. */
  interval: [number, number] | null;
  /** Counts and the maximum carry no interval: they are judged on the budget alone. */
  needsInterval: boolean;
  /** Too few requests in the scope to judge anything. */
  fewSamples: boolean;
  /**
   * Latency changes smaller than this are not judged: NOISE_FLOOR_MS, or more when a generator was saturated
   * (its own lateness is in every latency it measured).
   */
  floorMs: number;
}

export function judgeChange(j: Judged): CompareVerdict {
  if (j.budget === null) return 'not judged';
  if (j.fewSamples) return 'too few samples';
  if (j.needsInterval && j.interval === null) return 'too few samples';
  const [lo, hi] = j.interval ?? [Infinity, -Infinity];
  // For a rate, worse is a fall: the interval must lie below zero.
  const realWorse = j.interval === null || (j.kind === 'rate' ? hi < 0 : lo > 0);
  const realBetter = j.interval === null || (j.kind === 'rate' ? lo > 0 : hi < 0);
  if (WORSE[j.kind](j.baseline, j.current, j.budget, j.floorMs) && realWorse) return 'regression';
  if (BETTER[j.kind](j.baseline, j.current, j.budget, j.floorMs) && realBetter) return 'improvement';
  return 'within noise';
}

/** What one side of a scope brings to a latency comparison. */
export interface LatencyEvidence {
  histogram: Histogram | undefined;
  /** Per-second histograms (encoded), when the result kept them. */
  windows: readonly string[] | undefined;
}

/** The latency figures that get an interval, with how to read it. */
export const LATENCY_STATS = {
  p50: 0.5,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  p999: 0.999,
  mean: 'mean',
} as const satisfies Record<string, LatencyStat>;
export type IntervalLatencyKey = keyof typeof LATENCY_STATS;

const boundsOf = (h: Histogram, stat: LatencyStat): Bounds | null =>
  stat === 'mean' ? meanBounds(h) : quantileBounds(h, stat);

const union = (a: [number, number], b: [number, number] | undefined): [number, number] =>
  b === undefined ? a : [Math.min(a[0], b[0]), Math.max(a[1], b[1])];

/**
 * The relative change's interval for every latency figure. The sample-count interval always counts; when both
 * results kept enough per-second histograms the block bootstrap's interval is taken too, and the wider of the two
 * wins: the first assumes independent requests, the second sees seconds that differ from each other.
 */
export function latencyIntervals(
  base: LatencyEvidence,
  cur: LatencyEvidence,
): Record<IntervalLatencyKey, [number, number] | null> {
  const keys = Object.keys(LATENCY_STATS) as IntervalLatencyKey[];
  const out = Object.fromEntries(keys.map((k) => [k, null])) as Record<IntervalLatencyKey, [number, number] | null>;
  if (base.histogram === undefined || cur.histogram === undefined) return out;
  const [baseH, curH] = [base.histogram, cur.histogram];
  const boot = bootstrapped(base, cur, keys);
  keys.forEach((k, i) => {
    const a = boundsOf(baseH, LATENCY_STATS[k]);
    const b = boundsOf(curH, LATENCY_STATS[k]);
    const iid = a === null || b === null ? null : relativeInterval(a, b);
    out[k] = iid === null ? null : union(iid, boot?.[i]);
  });
  return out;
}

function bootstrapped(
  base: LatencyEvidence,
  cur: LatencyEvidence,
  keys: readonly IntervalLatencyKey[],
): [number, number][] | undefined {
  if (base.windows === undefined || cur.windows === undefined) return undefined;
  const a = latencyWindows(base.windows);
  const b = latencyWindows(cur.windows);
  if (a.blocks.length < MIN_BLOCKS || b.blocks.length < MIN_BLOCKS) return undefined;
  const ratios = bootstrapRatios(
    a,
    b,
    keys.map((k) => LATENCY_STATS[k]),
  );
  return ratios.map((r) => ratioInterval(r, CONFIDENCE));
}
