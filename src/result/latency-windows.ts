/**
 * A run's latency as a few blocks of consecutive seconds, each a sparse count of values on one shared grid, so a
 * bootstrap can merge a resample of blocks in one pass over the grid. Values are binned at 0.5 % (log scale):
 * far finer than any interval we report, and it keeps the grid to a few hundred cells whatever the run's length.
 */
import { decodeHistogram, recordedValues } from '../metrics/histogram.js';

const BIN = Math.log(1.005);
/** Seconds are grouped so a bootstrap resample costs the same on a 10 s run and on a 1 h soak. */
export const MAX_BLOCKS = 120;

export interface LatencyBlock {
  /** Grid cells with a count, ascending. */
  cells: Uint32Array;
  counts: Float64Array;
}

export interface LatencyWindows {
  /** Representative value of each grid cell, ms, ascending. */
  grid: Float64Array;
  blocks: LatencyBlock[];
}

const binOf = (us: number): number => Math.floor(Math.log(Math.max(us, 1)) / BIN);

/**
 * Encoded per-second histograms → blocks of ⌈seconds / MAX_BLOCKS⌉ consecutive seconds. Empty seconds (no
 * request finished) carry no evidence and are left out.
 */
export function latencyWindows(encoded: readonly string[]): LatencyWindows {
  const perSecond = encoded.map((text) => recordedValues(decodeHistogram(text))).filter((v) => v.length > 0);
  const size = Math.max(1, Math.ceil(perSecond.length / MAX_BLOCKS));
  const bins = new Set<number>();
  for (const values of perSecond) for (const [us] of values) bins.add(binOf(us));
  const sorted = [...bins].sort((a, b) => a - b);
  const cellOf = new Map(sorted.map((bin, i) => [bin, i]));
  const blocks: LatencyBlock[] = [];
  for (let start = 0; start < perSecond.length; start += size) {
    const counts = new Map<number, number>();
    for (const values of perSecond.slice(start, start + size)) {
      for (const [us, n] of values) {
        const cell = cellOf.get(binOf(us)) as number;
        counts.set(cell, (counts.get(cell) ?? 0) + n);
      }
    }
    const cells = [...counts.keys()].sort((a, b) => a - b);
    blocks.push({ cells: Uint32Array.from(cells), counts: Float64Array.from(cells.map((c) => counts.get(c) ?? 0)) });
  }
  // The geometric middle of each bin, in ms.
  const grid = Float64Array.from(sorted, (bin) => Math.exp((bin + 0.5) * BIN) / 1000);
  return { grid, blocks };
}
