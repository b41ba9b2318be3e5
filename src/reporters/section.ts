import type { ChalkInstance } from 'chalk';
import type { ZodType } from 'zod';
import type { Histogram } from '../metrics/histogram.js';
import type { METRICS, MetricKey, MetricType } from '../metrics/names.js';
import type { CompareRow, SectionRowInput } from '../result/compare.js';
import type { RunResult } from '../result/run-result.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { LiveUpdate } from './reporter.js';

/**
 * What a workload gives reporters beyond the run's request scopes, which every run has: a live section each
 * second and a section of the result. Reporters render sections through these hooks and never ask which
 * workload ran; each workload implements them in its own folder (src/workloads/<name>/).
 */

/** Catalogue keys of one metric type, so a counter is never set like a gauge. */
export type MetricKeyOf<T extends MetricType> = {
  [K in MetricKey]: (typeof METRICS)[K]['type'] extends T ? K : never;
}[MetricKey];

/** Labels besides run_id and scenario, as the catalogue entry names them. */
export type MetricLabels = Readonly<Record<string, string>>;

/** Where a live section puts its figures: names from the one metric catalogue (src/metrics/names.ts). */
export interface MetricEmitter {
  count(metric: MetricKeyOf<'counter'>, labels: MetricLabels, n: number): void;
  /** In the catalogue's base unit (seconds, messages). */
  gauge(metric: MetricKeyOf<'gauge'>, labels: MetricLabels, value: number): void;
  latency(metric: MetricKeyOf<'histogram'>, labels: MetricLabels, histogram: Histogram): void;
}

/** A workload's side of one second, beside the request interval. Valid only during onInterval's synchronous part. */
export interface LiveSection {
  /** Emits the second's figures; exporters decide what they keep. */
  emit(out: MetricEmitter): void;
  /** The live line, when the request one (rps, p95, errors) would say the wrong thing. */
  progressLine?(update: LiveUpdate, c: ChalkInstance): string;
}

/** A table of a result section, as Markdown and HTML reports print it (each formats it its own way). */
export interface ReportTable {
  title: string;
  head: string[];
  rows: string[][];
}

/** One chart of the HTML report: a time axis in seconds and the series drawn over it (null: no point there). */
export interface ReportChart {
  title: string;
  /** The y axis: "requests / s", "ms", "messages". */
  unit: string;
  t: number[];
  series: { label: string; values: (number | null)[] }[];
}

/**
 * A workload's section of the result, for reporters and merge. A saved result says by its own fields
 * which sections it holds (docs/result-schema.md), so `report` renders a file the way `run` rendered the run.
 */
export interface SectionView {
  /** True when `result` carries this section. */
  holds(result: RunResult): boolean;
  /**
   * What the run's requests are when they are not HTTP requests (event runs: messages, msg/s), and the headline's
   * count and rate when the section's own table counts them differently (confirmed publishes per second of the
   * publish phase, drain excluded), so the headline and the table agree.
   */
  readonly units?: { requests: string; rate: string; figures?(result: RunResult): { count: number; rate: number } };
  /** True when the section's terminal block stands in for the request table. */
  readonly replacesRequestTable?: boolean;
  /** The terminal summary's block for this section. */
  summary?(result: RunResult, c: ChalkInstance): string | undefined;
  /** Tables for the Markdown and HTML reports. */
  tables?(result: RunResult): ReportTable[];
  /** The HTML report's charts, when the request ones would chart the wrong thing (messages, iterations). */
  charts?(result: RunResult): ReportChart[];
  /** Why `merge` cannot combine such results, when it cannot. */
  readonly mergeRefusal?: string;
  /** The checks a saved result's section fields must pass to be read (`report`, `compare`), each optional. */
  readonly savedFields?: Readonly<Record<string, ZodType>>;
  /** Scopes of the section `compare` matches by name beside the run's requests (flows: flow, step, service). */
  compareScopes?(result: RunResult): readonly CompareScopeGroup[];
  /** The section's own comparison rows (events: e2e latency, loss), judged by `judge` with compare's budgets. */
  compareRows?(baseline: RunResult, current: RunResult, judge: (row: SectionRowInput) => CompareRow): CompareRow[];
  /** Names of the scopes compareRows compares, so a scope on one side only is noticed. */
  compareScopeNames?(result: RunResult): readonly string[];
}

/** One kind of scope a section adds to `compare`: its metrics and stored histograms by name. */
export interface CompareScopeGroup {
  /** The scope prefix: "flow" makes rows "flow:checkout". */
  kind: string;
  scopes: Readonly<Record<string, ScopeMetrics>> | undefined;
  histograms: Readonly<Record<string, string>> | undefined;
  /** Whether the run kept per-second histograms for these scopes (the run's request scopes: flow steps). */
  perSecond: boolean;
}
