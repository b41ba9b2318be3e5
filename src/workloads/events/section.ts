import type { EventAggregator, EventHistograms, EventMetrics, EventPoint } from '../../metrics/event-aggregator.js';
import type { RunAggregator } from '../../metrics/run-aggregator.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { MetricSource } from '../../slo/evaluate.js';
import type { RunResult } from '../../result/run-result.js';

/** One queue of the events section: its figures and what it was. */
export interface QueueEventMetrics extends EventMetrics {
  destination: string;
  mode: 'produce-consume' | 'produce-only';
  group: string;
  consumers: number;
}

/**
 * The `events` section of a result (docs/result-schema.md). The run's figures over every queue, then per queue.
 * Latencies are in the `latencyMs` shape; e2e includes lost and undelivered messages at their age. `lag.source`
 * says how the broker's figure was read. Histograms are HDR, compressed base64, in microseconds.
 */
export interface EventsSection extends EventMetrics {
  broker: string;
  /** True when the in-process demo broker stood in for a real one: its latencies say nothing about a broker. */
  demo: boolean;
  byQueue: Record<string, QueueEventMetrics>;
  timeseries: EventPoint[];
  histograms: EventHistograms & { byQueue: Record<string, EventHistograms> };
}

/** The SLO evaluator's view of an event run: publishes as requests, plus the event figures, per queue too. */
export function eventMetricSource(aggregator: RunAggregator, events: EventAggregator): MetricSource {
  const requests = aggregator.byScope();
  const byQueue = events.byQueue();
  const queue: MetricSource['scopes']['queue'] = {};
  for (const [name, m] of Object.entries(requests)) {
    const e = byQueue[name];
    queue[name] = e === undefined ? m : { ...m, events: e };
  }
  return { global: { ...aggregator.metrics(), events: events.metrics() }, scopes: { request: requests, queue } };
}

export function eventsSection(events: EventAggregator, plan: EventsPlan): EventsSection {
  const byQueue: Record<string, QueueEventMetrics> = {};
  const metrics = events.byQueue();
  for (const q of plan.queues) {
    const m = metrics[q.name];
    if (m === undefined) continue;
    const { destination, group } = q.target;
    byQueue[q.name] = { destination, mode: q.mode, group, consumers: q.consumers, ...m };
  }
  return {
    broker: plan.display,
    demo: plan.demo,
    ...events.metrics(),
    byQueue,
    timeseries: events.timeseries(),
    histograms: events.histograms(),
  };
}

/**
 * The result with its events section. A broker connection still down at the end (lost, never restored) means the
 * run could not be carried out: whatever the SLOs say of what was measured before, it fails with exit 3.
 */
export function withEvents(result: RunResult, events: EventAggregator, plan: EventsPlan): RunResult {
  const section = eventsSection(events, plan);
  const down = Object.entries(section.byQueue).filter(([, q]) => q.connectionsDown > 0);
  if (down.length === 0) return { ...result, events: section };
  const queues = down.map(([name]) => name).join(', ');
  const n = section.connectionsDown;
  const failure = `the broker ${plan.display} was lost and never came back (${n} connection${n === 1 ? '' : 's'} or consumer${n === 1 ? '' : 's'} of ${queues} still down at the end)`;
  return { ...result, pass: false, failure, events: section };
}
