import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Values are recorded in microseconds: 1 µs resolution up to one hour, 3 significant digits (0.1 % error). */
const LOWEST_US = 1;
const HIGHEST_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;
const BIT_BUCKET_SIZE = 32;

export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: BIT_BUCKET_SIZE,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records a duration in milliseconds, clamped into the trackable range so an outlier never throws. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : us);
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
  // Re-home into our standard layout so merges never fail on mismatched ranges.
  const histogram = createHistogram();
  histogram.add(decoded);
  return histogram;
}

export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const merged = createHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

/** One HDR bucket, in µs: the values it stands for, as the library's lowest/median/highestEquivalentValue say. */
export interface Bucket {
  lowest: number;
  median: number;
  highest: number;
}

/**
 * Visits each bucket that holds a count, ascending, with its count (the bucket object is reused: read it, don't
 * keep it). One pass over the counts array, stopping at the last recorded value. hdr-histogram-js's `mean` walks an
 * iterator that builds an object per bucket, and each getValueAtPercentile walks the counts again: about 2.5 ms of
 * CPU per summary of a latency histogram of this layout (23,552 buckets). The run summarises every scope once a
 * second on the thread that also starts the open model's requests, so that time was starts left late (with a
 * profile at 20,000/s showing ~20 ms per second in the publication). This pass takes about a sixth of it.
 */
export function forEachBucket(histogram: Histogram, visit: (bucket: Bucket, count: number) => void): void {
  if (!(histogram instanceof hdr.JsHistogram)) throw new TypeError('expected a JS HDR histogram');
  const total = histogram.totalCount;
  const bucket: Bucket = { lowest: 0, median: 0, highest: 0 };
  let seen = 0;
  for (let i = 0; i < histogram.countsArrayLength && seen < total; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    seen += count;
    // Buckets are contiguous: one ends where the next begins, so its size needs no logarithm (the library's
    // medianEquivalentValue and highestEquivalentValue find the bucket of a value again, twice as slow).
    const lowest = histogram.valueFromIndex(i);
    const size = histogram.valueFromIndex(i + 1) - lowest;
    bucket.lowest = lowest;
    bucket.median = lowest + Math.floor(size / 2);
    bucket.highest = lowest + size - 1;
    visit(bucket, count);
  }
}

/** (value µs, count) of every recorded value, ascending: each bucket's highest equivalent value, as HDR reports it. */
export function recordedValues(histogram: Histogram): [number, number][] {
  const out: [number, number][] = [];
  forEachBucket(histogram, (b, count) => out.push([b.highest, count]));
  return out;
}

/**
 * The mean as hdr-histogram-js defines it (each bucket's median-equivalent value times its count, summed in
 * ascending order, over the total count), from one pass over the buckets.
 */
export function meanOf(histogram: Histogram): number {
  if (histogram.totalCount === 0) return 0;
  let sum = 0;
  forEachBucket(histogram, (b, count) => (sum += b.median * count));
  return sum / histogram.totalCount;
}

/** The latency figures every report shows, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The summary's percentiles; 100 rather than maxValue, which survives encode/decode, so a merge reports the same max. */
const SUMMARY_PERCENTILES = [50, 90, 95, 99, 99.9, 100] as const;

/** The gap between `x` and the next double: HDR's rank arithmetic allows for it, and so must ours to agree. */
const ulp = (x: number): number => 2 ** (Math.floor(Math.log2(x)) - 52);

/** The rank (1-based) whose value hdr-histogram-js reports at percentile `p` of `total` values. */
function rankAt(p: number, total: number): number {
  const fp = (Math.min(p, 100) / 100) * total;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

/**
 * Every figure of the summary from one pass over the buckets: the same values as the library's
 * getValueAtPercentile (each bucket's highest equivalent value at the rank) and mean, which walk the buckets once
 * per figure. The run summarises every scope once a second, on the thread that starts the requests.
 */
export function summarizeHistogram(histogram: Histogram): LatencySummary {
  const total = histogram.totalCount;
  if (total === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  let sum = 0;
  const visit = (b: Bucket, count: number): void => void (sum += b.median * count);
  const [p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0] = percentilesMs(histogram, SUMMARY_PERCENTILES, visit);
  return { p50, p90, p95, p99, p999, max, mean: round3(sum / total / 1000) };
}

/**
 * The values at `percentiles` (ascending) in ms, rounded to the µs, in one pass over the buckets; 0 for an empty
 * histogram. `visit` sees every bucket of the same pass.
 */
export function percentilesMs(
  histogram: Histogram,
  percentiles: readonly number[],
  visit?: (bucket: Bucket, count: number) => void,
): number[] {
  const total = histogram.totalCount;
  if (total === 0) return percentiles.map(() => 0);
  const ranks = percentiles.map((p) => rankAt(p, total));
  const values: number[] = [];
  let seen = 0;
  forEachBucket(histogram, (b, count) => {
    seen += count;
    visit?.(b, count);
    while (values.length < ranks.length && seen >= (ranks[values.length] as number)) values.push(b.highest);
  });
  return ranks.map((_, i) => round3((values[i] ?? 0) / 1000));
}
