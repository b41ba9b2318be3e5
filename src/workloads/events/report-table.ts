import { fmtCount, fmtMsUnit } from '../../reporters/format.js';
import type { ReportTable } from '../../reporters/section.js';
import type { EventsSection, QueueEventMetrics } from './section.js';

/** The Markdown and HTML reports' table of an event run: one row per queue. */
export function eventsTable(events: EventsSection): ReportTable {
  // A produce-only queue has no e2e or time-lag figure (nothing of ours consumed): n/a, not a reassuring 0.
  const consumed = (q: QueueEventMetrics, text: string): string => (q.mode === 'produce-only' ? 'n/a' : text);
  const rows = Object.entries(events.byQueue).map(([name, q]) => [
    name,
    fmtCount(q.acked),
    consumed(q, fmtCount(q.consumed)),
    fmtCount(q.lost),
    fmtCount(q.undelivered),
    fmtCount(q.duplicates),
    fmtMsUnit(q.publishLatencyMs.p99),
    consumed(q, fmtMsUnit(q.e2eLatencyMs.p50)),
    consumed(q, fmtMsUnit(q.e2eLatencyMs.p99)),
    q.lag.max === null ? 'n/a' : fmtCount(q.lag.max),
    consumed(q, fmtMsUnit(q.lag.timeLagMaxMs)),
  ]);
  // Each time carries its unit: time lag and the e2e ages of undelivered messages run into seconds.
  const head = [
    'queue',
    'published',
    'consumed',
    'lost',
    'undelivered',
    'dup',
    'publish p99',
    'e2e p50',
    'e2e p99',
    'lag max',
    'time lag max',
  ];
  return { title: `Events (${events.broker})`, head, rows };
}
