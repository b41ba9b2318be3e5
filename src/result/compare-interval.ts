/**
 * Confidence intervals of a change between two runs that need only what every result stores: a histogram and
 * its sample count, or a count of errors, or the per-second rates. Each side gets its own interval; the
 * intervals are combined into one for the change by MOVER (Zou & Donner: the method of variance estimates
 * recovery), which keeps their asymmetry, as a percentile's interval is asymmetric. Pure.
 */
import { type Histogram, meanOf } from '../metrics/histogram.js';

/** Two-sided confidence of every interval compare reports. */
export const CONFIDENCE = 0.99;
/** The standard normal quantile for CONFIDENCE (two-sided). */
const Z = 2.5758;

/** [low, estimate, high] of one run's figure. */
export type Bounds = [number, number, number];

const ms = (h: Histogram, percentile: number): number => h.getValueAtPercentile(percentile) / 1000;

/**
 * The distribution-free interval of the q-th quantile from the order statistics: the number of samples below
 * the true quantile is Binomial(n, q), so ranks nq ± z·√(nq(1−q)) bracket it. When the upper rank passes n
 * the sample cannot bound the quantile from above (p99 of 300 requests): null, too few samples to judge.
 */
export function quantileBounds(h: Histogram, q: number): Bounds | null {
  const n = h.totalCount;
  const spread = Z * Math.sqrt(n * q * (1 - q));
  const low = Math.max(1, Math.floor(n * q - spread));
  const high = Math.ceil(n * q + spread) + 1;
  if (n === 0 || high > n) return null;
  // Rank r is read at the percentile whose ⌈p·n⌉ is r.
  return [ms(h, (100 * (low - 0.5)) / n), ms(h, 100 * q), ms(h, (100 * (high - 0.5)) / n)];
}

/** The mean's normal interval from the histogram's standard deviation. */
export function meanBounds(h: Histogram): Bounds | null {
  const n = h.totalCount;
  if (n < 2) return null;
  const mean = meanOf(h) / 1000;
  const half = (Z * h.stdDeviation) / 1000 / Math.sqrt(n);
  return [Math.max(mean - half, mean / 1000), mean, mean + half];
}

/** MOVER for a difference x₂ − x₁ of two independent estimates with intervals. */
function moverDifference(a: Bounds, b: Bounds): [number, number] {
  const [l1, x1, u1] = a;
  const [l2, x2, u2] = b;
  const d = x2 - x1;
  return [d - Math.hypot(x2 - l2, u1 - x1), d + Math.hypot(u2 - x2, x1 - l1)];
}

/** Interval of current/baseline − 1, combined on the log scale (where a ratio is a difference). */
export function relativeInterval(baseline: Bounds, current: Bounds): [number, number] | null {
  if (baseline.some((x) => !(x > 0)) || current.some((x) => !(x > 0))) return null;
  const [lo, hi] = moverDifference(baseline.map(Math.log) as Bounds, current.map(Math.log) as Bounds);
  return [Math.exp(lo) - 1, Math.exp(hi) - 1];
}

/** Wilson's score interval of a proportion: sound at 0 errors, where the textbook one collapses to a point. */
function wilson(errors: number, n: number): Bounds {
  const p = errors / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), p, Math.min(1, centre + half)];
}

/** Newcombe's interval of a difference of error rates (percentage points as a fraction). */
export function errorRateInterval(
  baseline: { errors: number; requests: number },
  current: { errors: number; requests: number },
): [number, number] | null {
  if (baseline.requests === 0 || current.requests === 0) return null;
  return moverDifference(wilson(baseline.errors, baseline.requests), wilson(current.errors, current.requests));
}

/**
 * A run's throughput with its interval: from the spread of its per-second rates when it has a few seconds,
 * else as a Poisson count over the run.
 */
export function rateBounds(rps: number, perSecond: readonly number[], requests: number): Bounds {
  const k = perSecond.length;
  let se: number;
  if (k >= 5) {
    const mean = perSecond.reduce((s, x) => s + x, 0) / k;
    const variance = perSecond.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1);
    se = Math.sqrt(variance / k);
  } else {
    se = requests > 0 ? rps / Math.sqrt(requests) : 0;
  }
  return [Math.max(rps - Z * se, rps / 1000), rps, rps + Z * se];
}
