/**
 * The SLO metrics of event runs, read from the `events` part of a metrics view. parse.ts spreads them into the
 * one SLO_METRICS catalogue, so "e2e_p99 < 200ms" and "queue:orders lag_max < 100" parse like any other SLO.
 */
import type { EventMetrics } from '../metrics/event-aggregator.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { SloMetricDef, SloMetricView } from './parse.js';

const NOT_AN_EVENT_RUN = 'needs an events run';

/** Messages that should have arrived: a percentile over fewer than one of them is no measurement. */
const expected = (e: EventMetrics): number => e.consumed + e.lost + e.undelivered;

const e2e = (key: keyof LatencySummary, description: string): SloMetricDef => ({
  kind: 'latency',
  description: `${description}, produce→consume from the intended send time; lost and undelivered messages count at their age (ms)`,
  read: (m) => m.events?.e2eLatencyMs[key],
  samples: (m) => (m.events === undefined ? 0 : expected(m.events)),
  why: NOT_AN_EVENT_RUN,
});

const publish = (key: keyof LatencySummary, description: string): SloMetricDef => ({
  kind: 'latency',
  description: `${description}, publish → broker confirmation from the intended send time (ms)`,
  read: (m) => m.events?.publishLatencyMs[key],
  samples: (m) => m.events?.acked ?? 0,
  why: NOT_AN_EVENT_RUN,
});

const count = (
  description: string,
  read: (e: EventMetrics) => number | null,
  why = NOT_AN_EVENT_RUN,
): SloMetricDef => ({
  kind: 'count',
  description,
  read: (m: SloMetricView) => (m.events === undefined ? undefined : (read(m.events) ?? undefined)),
  why,
});

const LAG_UNREAD = "the broker's lag could not be read (see lag.source and the error samples)";

export const EVENT_SLO_METRICS = {
  e2e_p50: e2e('p50', 'median'),
  e2e_p90: e2e('p90', '90th percentile'),
  e2e_p95: e2e('p95', '95th percentile'),
  e2e_p99: e2e('p99', '99th percentile'),
  e2e_p999: e2e('p999', '99.9th percentile'),
  e2e_max: e2e('max', 'slowest message'),
  e2e_mean: e2e('mean', 'mean'),
  publish_p50: publish('p50', 'median'),
  publish_p95: publish('p95', '95th percentile'),
  publish_p99: publish('p99', '99th percentile'),
  publish_max: publish('max', 'slowest publish'),
  lag_max: count('highest queue lag sampled from the broker (messages)', (e) => e.lag.max, LAG_UNREAD),
  lag_final: count('queue lag from the broker at the end of the drain (messages)', (e) => e.lag.final, LAG_UNREAD),
  backlog_max: count(
    'highest client-side backlog: confirmed by the broker, not yet consumed (messages)',
    (e) => e.lag.clientMax,
  ),
  time_lag_max: {
    kind: 'latency',
    description: "oldest unconsumed message's highest age (ms)",
    read: (m) => m.events?.lag.timeLagMaxMs,
    samples: (m) => m.events?.acked ?? 0,
    why: NOT_AN_EVENT_RUN,
  },
  lost: count('messages published and confirmed that never arrived and left the broker', (e) => e.lost),
  undelivered: count('messages still in the broker, unconsumed, when the drain ended', (e) => e.undelivered),
  duplicates: count('messages consumed more than once', (e) => e.duplicates),
  out_of_order: count('messages a consumer received after a later one from the same producer', (e) => e.outOfOrder),
  publish_errors: count('publishes that failed (nack, timeout, connection)', (e) => e.failed),
  consume_rate: {
    kind: 'ratio',
    description: 'messages consumed / messages confirmed by the broker',
    read: (m) => m.events?.consumeRatio,
    samples: (m) => m.events?.acked ?? 0,
    why: NOT_AN_EVENT_RUN,
  },
  publish_rate: {
    kind: 'rate',
    description: 'messages confirmed by the broker per second of the publish phase',
    read: (m) => m.events?.rates.acked,
    why: NOT_AN_EVENT_RUN,
  },
} satisfies Record<string, SloMetricDef>;
