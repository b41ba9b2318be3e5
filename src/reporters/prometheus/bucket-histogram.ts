import {
  Histogram as PromHistogram,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricValueWithName,
} from 'prom-client';
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
  private readonly helpText: string;

  constructor(config: ConstructorParameters<typeof PromHistogram<T>>[0] & { buckets: number[] }) {
    super(config);
    this.bounds = [...config.buckets];
    this.metricName = config.name;
    this.helpText = config.help;
  }

  /** Adds one interval's samples (HDR, microseconds) to the series with these labels. */
  addHdr(labels: LabelValues<T>, histogram: Histogram): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = { labels, buckets: emptyBuckets(this.bounds) }));
    addHistogram(s.buckets, histogram);
  }

  override get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    return this.getForPromString();
  }

  /** What the registry reads for the text exposition (prom-client prefers it to get() when present). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const values: MetricValueWithName<T>[] = [];
    for (const { labels, buckets } of this.series.values()) {
      const counts = cumulative(buckets);
      const bucket = `${this.metricName}_bucket`;
      buckets.boundaries.forEach((le, i) => {
        values.push({ labels: { ...labels, le } as LabelValues<T>, value: counts[i] as number, metricName: bucket });
      });
      values.push({ labels: { ...labels, le: '+Inf' } as LabelValues<T>, value: buckets.count, metricName: bucket });
      values.push({ labels, value: buckets.sumSeconds, metricName: `${this.metricName}_sum` });
      values.push({ labels, value: buckets.count, metricName: `${this.metricName}_count` });
    }
    // The shape prom-client's own histogram returns; its typings declare `type` as a numeric enum and a
    // `collect` field, while the runtime and the exposition use the string "histogram" and no collect.
    const data = { name: this.metricName, help: this.helpText, type: 'histogram', aggregator: 'sum', values };
    return Promise.resolve(data as unknown as MetricObjectWithValues<MetricValueWithName<T>>);
  }
}
