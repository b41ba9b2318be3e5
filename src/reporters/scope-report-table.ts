import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import { fmtCount, fmtMs, fmtPercent, fmtRate } from './format.js';
import type { ReportTable } from './section.js';

/** A table of request-shaped scopes (requests, flows, steps, services) for the Markdown and HTML reports. */
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

export function scopeTable(
  title: string,
  first: string,
  byScope: Readonly<Record<string, ScopeMetrics>> | undefined,
): ReportTable | undefined {
  const entries = Object.entries(byScope ?? {});
  if (entries.length === 0) return undefined;
  return { title, head: [first, ...SCOPE_HEAD], rows: entries.map(([name, m]) => scopeRow(name, m)) };
}
