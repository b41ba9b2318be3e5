/**
 * The event part of a baseline comparison: produce→consume latency (recomputed from the stored e2e histograms, so
 * both sides are exact) and the messages that never arrived, for the whole run and per queue. Pure; compare.ts
 * judges the rows with the same budgets machinery as request scopes.
 */
import type { EventMetrics } from '../../metrics/event-aggregator.js';
import { decodeHistogram, type Histogram, type LatencySummary, summarizeHistogram } from '../../metrics/histogram.js';
import type { CompareRow, SectionRowInput } from '../../result/compare.js';
import {
  type IntervalLatencyKey,
  latencyIntervals,
  MIN_SAMPLES,
  NOISE_FLOOR_MS,
} from '../../result/compare-verdict.js';
import type { RunResult } from '../../result/run-result.js';

/** One event scope of a result: its counts, and its e2e latency from the stored histogram. */
export interface EventScopeView {
  metrics: EventMetrics;
  e2e: LatencySummary;
  /** The e2e histogram, when the result stored it: the interval of each e2e percentile is read from it. */
  histogram: Histogram | undefined;
  /** False for produce-only queues: no consumer of ours, so no e2e, lost or undelivered figure to compare. */
  consumes: boolean;
}

interface EventCompareRule {
  /** latency: relative rise; count: absolute rise in messages. */
  kind: 'latency' | 'count';
  read(v: EventScopeView): number;
}

const e2e = (key: keyof LatencySummary): EventCompareRule => ({ kind: 'latency', read: (v) => v.e2e[key] });
const count = (key: 'lost' | 'undelivered'): EventCompareRule => ({ kind: 'count', read: (v) => v.metrics[key] });

export const EVENT_COMPARE_METRICS = {
  e2e_p50: e2e('p50'),
  e2e_p90: e2e('p90'),
  e2e_p95: e2e('p95'),
  e2e_p99: e2e('p99'),
  e2e_p999: e2e('p999'),
  e2e_max: e2e('max'),
  lost: count('lost'),
  undelivered: count('undelivered'),
} satisfies Record<string, EventCompareRule>;

export type EventCompareMetric = keyof typeof EVENT_COMPARE_METRICS;

/**
 * Default budgets: e2e latency as request latency (10 %, p99 15 %, the tail shown only); a single message more lost
 * or left undelivered than in the baseline is a regression.
 */
export const DEFAULT_EVENT_BUDGETS: Readonly<Record<EventCompareMetric, number | null>> = {
  e2e_p50: 0.1,
  e2e_p90: 0.1,
  e2e_p95: 0.1,
  e2e_p99: 0.15,
  e2e_p999: null,
  e2e_max: null,
  lost: 0,
  undelivered: 0,
};

/** Messages with an e2e figure: consumed, or lost/undelivered at their age. */
export const expectedMessages = (v: EventScopeView): number =>
  v.metrics.consumed + v.metrics.lost + v.metrics.undelivered;

function view(metrics: EventMetrics, histogram: string | undefined, consumes: boolean): EventScopeView {
  const decoded = histogram === undefined ? undefined : decodeHistogram(histogram);
  const e2eLatency = decoded === undefined ? metrics.e2eLatencyMs : summarizeHistogram(decoded);
  return { metrics, e2e: e2eLatency, histogram: decoded, consumes };
}

/** The event scopes of a result: "run" (every queue), then "queue:<name>" when there are several. */
export function eventScopesOf(result: RunResult): Map<string, EventScopeView> {
  const out = new Map<string, EventScopeView>();
  const events = result.events;
  if (events === undefined) return out;
  const queues = Object.entries(events.byQueue);
  const consuming = queues.some(([, q]) => q.mode === 'produce-consume');
  out.set('run', view(events, events.histograms.e2e, consuming));
  // A lone queue is the whole run again: one set of rows is enough.
  if (queues.length === 1) return out;
  for (const [name, q] of queues)
    out.set(`queue:${name}`, view(q, events.histograms.byQueue[name]?.e2e, q.mode === 'produce-consume'));
  return out;
}

const E2E_STATS: Partial<Record<EventCompareMetric, IntervalLatencyKey>> = {
  e2e_p50: 'p50',
  e2e_p90: 'p90',
  e2e_p95: 'p95',
  e2e_p99: 'p99',
  e2e_p999: 'p999',
};

/** Event scopes where both runs consumed: e2e percentiles and messages lost or left undelivered. */
export function compareEventRows(
  baseline: RunResult,
  current: RunResult,
  judge: (row: SectionRowInput) => CompareRow,
): CompareRow[] {
  const b = eventScopesOf(current);
  const rows: CompareRow[] = [];
  for (const [scope, base] of eventScopesOf(baseline)) {
    const cur = b.get(scope);
    if (cur === undefined || !base.consumes || !cur.consumes) continue;
    const few = Math.min(expectedMessages(base), expectedMessages(cur)) < MIN_SAMPLES;
    const ungated = few ? `fewer than ${MIN_SAMPLES} messages` : undefined;
    const e2eIntervals = latencyIntervals(
      { histogram: base.histogram, windows: undefined },
      { histogram: cur.histogram, windows: undefined },
    );
    for (const metric of Object.keys(EVENT_COMPARE_METRICS) as EventCompareMetric[]) {
      const rule = EVENT_COMPARE_METRICS[metric];
      const stat = E2E_STATS[metric];
      const interval = stat === undefined ? null : e2eIntervals[stat];
      const [before, after] = [rule.read(base), rule.read(cur)];
      rows.push(judge({ scope, metric, baseline: before, current: after, interval, ungated, floorMs: NOISE_FLOOR_MS }));
    }
  }
  return rows;
}
