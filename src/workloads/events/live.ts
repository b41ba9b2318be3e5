import type { LiveEvents } from '../../metrics/event-run-recorder.js';
import { PUBLISH_ERROR_KINDS } from '../../metrics/event-recorder.js';
import type { LiveSection, MetricEmitter } from '../../reporters/section.js';
import { formatEventProgress } from './summary.js';

/** Each queue's second: confirmed, consumed, skipped, duplicated and lost messages, both latencies and the lag. */
function emitEvents(events: LiveEvents, out: MetricEmitter): void {
  events.queues.forEach((queue, i) => {
    const c = events.interval.queues[i];
    if (c === undefined) return;
    const labels = { queue };
    out.count('published', labels, c.acked);
    out.count('consumed', labels, c.consumed);
    out.count('messagesDropped', labels, c.dropped);
    out.count('duplicates', labels, c.duplicates);
    out.count('lost', labels, c.lost + c.undelivered);
    for (const kind of PUBLISH_ERROR_KINDS) out.count('publishErrors', { queue, kind }, c.errors[kind]);
    out.latency('publishDuration', labels, c.publish);
    out.latency('e2eLatency', labels, c.e2e);
    const lag = events.interval.lag[i];
    if (lag === undefined) return;
    if (lag.broker !== null) out.gauge('queueLag', labels, lag.broker);
    out.gauge('queueTimeLag', labels, lag.timeLagMs / 1000);
  });
}

/** An event run's live section: its series, and a live line of publish and consume rates, e2e p99 and lag. */
export function liveEvents(events: LiveEvents | undefined): LiveSection | undefined {
  if (events === undefined) return undefined;
  return {
    emit: (out) => emitEvents(events, out),
    progressLine: (update, c) => formatEventProgress(update, events, c),
  };
}
