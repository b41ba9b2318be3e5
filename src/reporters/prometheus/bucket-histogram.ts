import { Histogram as PromHistogram, type LabelValues, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';
import { addHistogram, type BucketCounts, cumulative, emptyBuckets } from '../../metrics/buckets.js';
import type { Histogram } from '../../metrics/histogram.js';

interface Series<T extends string> {
  labels: LabelValues<T>;
  buckets: BucketCounts;
}

/**
 * A prom-client histogram fed whole HDR interval histograms instead of one observe() per sample: the
 * generator already holds every latency in HDR form, so re-observing them one by one would double the
 * hot path's work. prom-client still owns registration and the exposition format; only the values are ours.
 */
export class BucketHistogram<T extends string> extends PromHistogram<T> {
  private readonly series = new Map<string, Series<T>>();
  private readonly bounds: readonly number[];
  private readonly metricName: string;

  constructor(config: ConstructorParameters<typeof PromHistogram<T>>[0] & { buckets: number[] }) {
    super(config);
    this.bounds = [...config.buckets];
    this.metricName = config.name;
  }

  /** Adds one interval's samples (HDR, microseconds) to the series with these labels. */
  addHdr(labels: LabelValues<T>, histogram: Histogram): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = { labels, buckets: emptyBuckets(this.bounds) }));
    addHistogram(s.buckets, histogram);
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    // The parent holds no samples; it still supplies name, type and aggregator as prom-client expects them.
    const base = await super.get();
    const values: MetricValueWithName<T>[] = [];
    for (const { labels, buckets } of this.series.values()) {
      const counts = cumulative(buckets);
      buckets.boundaries.forEach((le, i) => {
        const withLe = { ...labels, le } as LabelValues<T>;
        values.push({ labels: withLe, value: counts[i] as number, metricName: `${this.metricName}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' } as LabelValues<T>, value: buckets.count, metricName: `${this.metricName}_bucket` });
      values.push({ labels, value: buckets.sumSeconds, metricName: `${this.metricName}_sum` });
      values.push({ labels, value: buckets.count, metricName: `${this.metricName}_count` });
    }
    return { ...base, values };
  }
}
