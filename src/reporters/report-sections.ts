import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { QueueEventMetrics } from '../result/events-result.js';
import type { RunResult } from '../result/run-result.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate } from './format.js';

/**
 * The optional parts of a result that the Markdown and HTML reports render when present, as plain tables
 * (title, head, rows) each report formats its own way. Flow runs add flows, steps and services; event runs
 * add a table per queue.
 */
export interface ReportTable {
  title: string;
  head: string[];
  rows: string[][];
}

const SCOPE_HEAD = ['count', 'rps', 'errors', 'dropped', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function scopeRow(name: string, m: ScopeMetrics): string[] {
  const l = m.latencyMs;
  return [
    name,
    fmtCount(m.requests),
    fmtRate(m.rps),
    fmtPercent(m.errorRate),
    fmtCount(m.dropped),
    ...[l.p50, l.p90, l.p95, l.p99, l.max].map(fmtMs),
  ];
}

function scopeTable(
  title: string,
  first: string,
  byScope: Readonly<Record<string, ScopeMetrics>> | undefined,
): ReportTable | undefined {
  const entries = Object.entries(byScope ?? {});
  if (entries.length === 0) return undefined;
  return { title, head: [first, ...SCOPE_HEAD], rows: entries.map(([name, m]) => scopeRow(name, m)) };
}

function eventsTable(result: RunResult): ReportTable | undefined {
  const events = result.events;
  if (events === undefined) return undefined;
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

/** In the order reports print them; absent parts give nothing. */
export function optionalTables(result: RunResult): ReportTable[] {
  return [
    scopeTable('Flows (iterations)', 'flow', result.byFlow),
    scopeTable('Steps', 'step', result.byStep),
    scopeTable('Services', 'service', result.byService),
    eventsTable(result),
  ].filter((t) => t !== undefined);
}
