import { forEachBucket, type Histogram, meanOf } from './histogram.js';

/** A histogram folded into explicit buckets: the shape Prometheus and OTLP both export. */
export interface BucketCounts {
  /** Upper bounds in seconds, ascending; a last, open bucket (+Inf) follows them. */
  boundaries: readonly number[];
  /** Non-cumulative: counts[i] holds values in (boundaries[i-1], boundaries[i]]; counts has one more slot than boundaries. */
  counts: number[];
  count: number;
  sumSeconds: number;
}

export function emptyBuckets(boundaries: readonly number[]): BucketCounts {
  return { boundaries, counts: new Array<number>(boundaries.length + 1).fill(0), count: 0, sumSeconds: 0 };
}

/**
 * Adds an HDR histogram (microseconds) into explicit buckets. Walks the recorded HDR buckets, a few hundred
 * per interval at most, rather than individual samples; a value sits within HDR's 0.1 % of a boundary,
 * so a sample that close to a boundary may land on either side of it.
 */
export function addHistogram(into: BucketCounts, histogram: Histogram): void {
  if (histogram.totalCount === 0) return;
  const bounds = into.boundaries;
  let b = 0;
  forEachRecorded(histogram, (seconds, count) => {
    while (b < bounds.length && seconds > (bounds[b] as number)) b++;
    into.counts[b] = (into.counts[b] as number) + count;
  });
  into.count += histogram.totalCount;
  into.sumSeconds += (meanOf(histogram) * histogram.totalCount) / 1e6;
}

/** Visits each recorded HDR bucket once, ascending: its representative (median-equivalent) value in seconds, and its count. */
export function forEachRecorded(histogram: Histogram, visit: (seconds: number, count: number) => void): void {
  forEachBucket(histogram, (b, count) => visit(b.median / 1e6, count));
}

/** Cumulative counts per boundary (`le`), the way Prometheus exposes buckets; +Inf is `count`. */
export function cumulative(buckets: BucketCounts): number[] {
  let running = 0;
  return buckets.boundaries.map((_, i) => (running += buckets.counts[i] as number));
}
