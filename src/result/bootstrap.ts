/**
 * Block bootstrap of a latency change between two runs. Each run's blocks of consecutive seconds are resampled
 * with replacement and merged; the statistic (a percentile, or the mean) of the current resample over the
 * baseline's is one draw of the ratio. Resampling whole seconds rather than single requests keeps what happens
 * together in time (a GC pause, a noisy neighbour, a slow second on the target) together, so a run whose seconds
 * disagree with each other gets a wide interval. Seeded, so the same two files always give the same verdict.
 */
import type { LatencyWindows } from './latency-windows.js';

/** A percentile as a fraction (0.95), or the mean. */
export type LatencyStat = number | 'mean';

export const RESAMPLES = 1000;
/** Fewer blocks than this on either side: too few for a bootstrap; the sample-count interval stands alone. */
export const MIN_BLOCKS = 8;

/** mulberry32: a small, fast PRNG, good enough to draw block indices, and reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The statistics of one resample of `w`, in `stats` order. `dense` is scratch space of the grid's length. */
function resampleStats(w: LatencyWindows, stats: readonly LatencyStat[], random: () => number, dense: Float64Array) {
  dense.fill(0);
  let total = 0;
  let sum = 0;
  const n = w.blocks.length;
  for (let k = 0; k < n; k++) {
    const block = w.blocks[Math.floor(random() * n)];
    if (block === undefined) continue;
    for (let j = 0; j < block.cells.length; j++) {
      const cell = block.cells[j] as number;
      const count = block.counts[j] as number;
      dense[cell] = (dense[cell] as number) + count;
      total += count;
      sum += count * (w.grid[cell] as number);
    }
  }
  return stats.map((s) => (s === 'mean' ? sum / total : quantile(w.grid, dense, total, s)));
}

/** The value at the q-th fraction, as HDR histograms read it: the first value whose cumulative count reaches ⌈q·n⌉. */
function quantile(grid: Float64Array, dense: Float64Array, total: number, q: number): number {
  const target = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < dense.length; i++) {
    seen += dense[i] as number;
    if (seen >= target) return grid[i] as number;
  }
  return grid[grid.length - 1] as number;
}

/**
 * RESAMPLES draws of current/baseline for each statistic. Both sides are resampled independently: the runs are
 * independent, and each one's own spread is what makes the ratio uncertain.
 */
export function bootstrapRatios(
  baseline: LatencyWindows,
  current: LatencyWindows,
  stats: readonly LatencyStat[],
  seed = 1,
): Float64Array[] {
  const random = seededRandom(seed);
  const out = stats.map(() => new Float64Array(RESAMPLES));
  const scratchA = new Float64Array(baseline.grid.length);
  const scratchB = new Float64Array(current.grid.length);
  for (let b = 0; b < RESAMPLES; b++) {
    const base = resampleStats(baseline, stats, random, scratchA);
    const cur = resampleStats(current, stats, random, scratchB);
    stats.forEach((_, i) => {
      const denominator = base[i] as number;
      (out[i] as Float64Array)[b] = denominator > 0 ? (cur[i] as number) / denominator : 1;
    });
  }
  return out;
}

/** The percentile interval of the relative change (ratio − 1) at the given confidence. */
export function ratioInterval(ratios: Float64Array, confidence: number): [number, number] {
  const sorted = Float64Array.from(ratios).sort();
  const tail = (1 - confidence) / 2;
  const at = (p: number): number =>
    (sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))] as number) - 1;
  return [at(tail), at(1 - tail)];
}
