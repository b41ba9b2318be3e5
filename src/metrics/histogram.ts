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

/** (value µs, count) of every recorded value, ascending: the histogram's own buckets. */
export function recordedValues(histogram: Histogram): [number, number][] {
  if (!(histogram instanceof hdr.JsHistogram)) throw new TypeError('expected a JS HDR histogram');
  const out: [number, number][] = [];
  const it = histogram.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push([v.valueIteratedTo, v.countAtValueIteratedTo]);
  }
  return out;
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

export function summarizeHistogram(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (p: number): number => round3(histogram.getValueAtPercentile(p) / 1000);
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // Percentile 100 rather than maxValue: it survives encode/decode, so a merged result reports the same max.
    max: at(100),
    mean: round3(histogram.mean / 1000),
  };
}
