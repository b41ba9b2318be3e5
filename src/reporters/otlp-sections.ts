import type { Attributes, Counter, Gauge, Histogram } from '@opentelemetry/api';
import { forEachRecorded } from '../metrics/buckets.js';
import type { Instruments } from './otlp.js';
import type { MetricEmitter, MetricKeyOf, MetricLabels } from './section.js';

/** The SDK has no "record n times": each HDR bucket is replayed at its value; buckets are few, samples are not. */
export function replay(histogram: Histogram, source: Parameters<typeof forEachRecorded>[0], attrs: Attributes): void {
  forEachRecorded(source, (seconds, count) => {
    for (let i = 0; i < count; i++) histogram.record(seconds, attrs);
  });
}

/** messaging.operation.name and .type of the messaging conventions: publishes are sends, consumes receives. */
const SEND: Attributes = { 'messaging.operation.name': 'send', 'messaging.operation.type': 'send' };
const RECEIVE: Attributes = { 'messaging.operation.name': 'receive', 'messaging.operation.type': 'receive' };

/** A catalogue metric that OTLP carries under another name, with the attributes that name implies. */
interface SectionMapping<T> {
  pick(m: Instruments): T;
  attributes: Attributes;
}

/**
 * The messaging metrics of live sections, under the semantic conventions' names, and the WebSocket sessions under
 * ours (labels become backend_bench.* attributes). Flow series, drops, duplicates and losses stay Prometheus-only.
 */
const SECTION_COUNTERS: Partial<Record<MetricKeyOf<'counter'>, SectionMapping<Counter>>> = {
  published: { pick: (m) => m.messagesSent, attributes: SEND },
  consumed: { pick: (m) => m.messagesConsumed, attributes: RECEIVE },
  wsSessions: { pick: (m) => m.wsSessions, attributes: {} },
  wsMessagesSent: { pick: (m) => m.wsMessages, attributes: { 'backend_bench.direction': 'sent' } },
  wsMessagesReceived: { pick: (m) => m.wsMessages, attributes: { 'backend_bench.direction': 'received' } },
  wsCloses: { pick: (m) => m.wsCloses, attributes: {} },
};
const SECTION_HISTOGRAMS: Partial<Record<MetricKeyOf<'histogram'>, SectionMapping<Histogram>>> = {
  publishDuration: { pick: (m) => m.publishDuration, attributes: SEND },
  e2eLatency: { pick: (m) => m.e2eLatency, attributes: RECEIVE },
  wsConnectDuration: { pick: (m) => m.wsConnectDuration, attributes: {} },
};
const SECTION_GAUGES: Partial<Record<MetricKeyOf<'gauge'>, SectionMapping<Gauge>>> = {
  queueLag: { pick: (m) => m.queueLag, attributes: RECEIVE },
};

/** An emitter that records the mapped metrics of a live section, with `attributes` built per sample. */
export function sectionEmitter(
  m: Instruments,
  attributes: (labels: MetricLabels, own: Attributes) => Attributes,
): MetricEmitter {
  return {
    count: (metric, labels, n) => {
      const to = SECTION_COUNTERS[metric];
      // Zeros too: a queue that consumed nothing yet still has its series.
      if (to !== undefined) to.pick(m).add(n, attributes(labels, to.attributes));
    },
    gauge: (metric, labels, value) => {
      const to = SECTION_GAUGES[metric];
      if (to !== undefined) to.pick(m).record(value, attributes(labels, to.attributes));
    },
    latency: (metric, labels, histogram) => {
      const to = SECTION_HISTOGRAMS[metric];
      if (to !== undefined) replay(to.pick(m), histogram, attributes(labels, to.attributes));
    },
  };
}
