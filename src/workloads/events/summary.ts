import type { ChalkInstance } from 'chalk';
import type { EventMetrics } from '../../metrics/event-aggregator.js';
import type { LiveEvents } from '../../metrics/event-run-recorder.js';
import { PUBLISH_ERROR_KINDS } from '../../metrics/event-recorder.js';
import type { LatencySummary } from '../../metrics/histogram.js';
import type { EventsSection } from './section.js';
import { formatDuration } from '../../scenario/duration.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate } from '../../reporters/format.js';
import type { LiveUpdate } from '../../reporters/reporter.js';
import { borderlessTable, renderTable } from '../../reporters/table.js';

/**
 * The event part of the end-of-run summary: what was published, consumed, lost and left behind per queue, the
 * three latencies (publish→ack, produce→consume, send delay), and the broker's lag with where it came from.
 * Pure: returns a string.
 */

const countCell = (n: number, paint: (s: string) => string): string => (n > 0 ? paint(fmtCount(n)) : '0');
const lagCell = (n: number | null, c: ChalkInstance): string => (n === null ? c.dim('n/a') : fmtCount(n));

function flowTable(events: EventsSection, c: ChalkInstance): string {
  const head = [
    'queue',
    'published',
    'confirmed/s',
    'consumed',
    'consumed/s',
    'lost',
    'dup',
    'undelivered',
    'lag max',
    'lag end',
    'time lag max',
  ];
  const t = borderlessTable(
    head.map((h) => c.bold(h)),
    ['left', ...Array<'right'>(head.length - 1).fill('right')],
  );
  const row = (name: string, m: EventMetrics, consuming: boolean): string[] => [
    name,
    fmtCount(m.acked),
    fmtRate(m.rates.acked),
    consuming ? `${fmtCount(m.consumed)} ${c.dim(`(${fmtPercent(m.consumeRatio)})`)}` : c.dim('not consumed'),
    consuming ? fmtRate(m.rates.consumed) : c.dim('-'),
    countCell(m.lost, c.red),
    countCell(m.duplicates, c.yellow),
    countCell(m.undelivered, c.red),
    lagCell(m.lag.max, c),
    m.lag.final !== null && m.lag.final > 0 ? c.yellow(fmtCount(m.lag.final)) : lagCell(m.lag.final, c),
    // Time lag is the age of the oldest message we have not consumed: without consumers of ours there is none.
    consuming ? fmtMsUnit(m.lag.timeLagMaxMs) : c.dim('-'),
  ];
  const queues = Object.entries(events.byQueue);
  for (const [name, m] of queues) t.push(row(name, m, m.mode === 'produce-consume'));
  if (queues.length > 1)
    t.push(
      row(
        c.bold('all'),
        events,
        queues.some(([, m]) => m.mode === 'produce-consume'),
      ),
    );
  return renderTable(t);
}

function latencyTable(events: EventsSection, c: ChalkInstance): string {
  const head = ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'];
  const t = borderlessTable(
    head.map((h) => c.bold(h)),
    ['left', ...Array<'right'>(6).fill('right')],
  );
  const cells = (l: LatencySummary): string[] => [l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map(fmtMs);
  const queues = Object.entries(events.byQueue);
  const scopes: [string, EventMetrics][] = queues.length > 1 ? queues : [['', events]];
  for (const [name, m] of scopes) {
    const prefix = name === '' ? '' : `${c.dim(`${name} ›`)} `;
    t.push([`${prefix}publish → confirm`, ...cells(m.publishLatencyMs)]);
    if (m.consumed + m.lost + m.undelivered > 0) t.push([`${prefix}produce → consume`, ...cells(m.e2eLatencyMs)]);
    t.push([`${prefix}send delay`, ...cells(m.sendDelayMs)]);
  }
  return renderTable(t);
}

function notes(events: EventsSection, c: ChalkInstance): string[] {
  const out: string[] = [];
  const sources = [
    ...new Set(
      Object.values(events.byQueue)
        .map((m) => m.lag.source)
        .filter((s) => s !== ''),
    ),
  ];
  out.push(c.dim(` lag: ${sources.length > 0 ? sources.join('; ') : "the broker's figure could not be read"}`));
  const errors = PUBLISH_ERROR_KINDS.filter((k) => events.publishErrors[k] > 0);
  if (errors.length > 0)
    out.push(c.red(` publish errors: ${errors.map((k) => `${k} ${fmtCount(events.publishErrors[k])}`).join(' · ')}`));
  const connections = connectionNote(events, c);
  if (connections !== undefined) out.push(connections);
  if ((events.groupsRecreated ?? 0) > 0)
    out.push(
      c.yellow(
        ` consumer group recreated ${fmtCount(events.groupsRecreated)}× (it was gone from the broker mid-run; what it held then is counted as lost)`,
      ),
    );
  if (events.dropped > 0)
    out.push(c.yellow(` ${fmtCount(events.dropped)} publishes skipped at the in-flight cap (load.maxInFlight)`));
  if (events.foreign > 0)
    out.push(
      c.dim(` ${fmtCount(events.foreign)} messages from other runs or without our envelope were consumed and ignored`),
    );
  if (events.undelivered > 0 || events.lost > 0) {
    out.push(
      c.dim(
        ' lost and undelivered messages are in the produce → consume percentiles at their age when the drain ended',
      ),
    );
  }
  return out;
}

/** Drops and reconnects as counted, never "reconnected" for a connection that did not come back. */
function connectionNote(events: EventsSection, c: ChalkInstance): string | undefined {
  // Results saved before reconnects were counted hold neither figure: say only what they hold.
  const saved: { reconnects?: number; connectionsDown?: number } = events;
  const { reconnects, connectionsDown: down } = saved;
  const drops = events.connectionDrops;
  if (drops === 0) return undefined;
  const lost = ` broker connection lost ${fmtCount(drops)}×`;
  if (reconnects === undefined || down === undefined) return c.yellow(lost);
  if (down === 0) return c.yellow(`${lost}, reconnected ${fmtCount(reconnects)}×`);
  if (reconnects === 0) return c.red(`${lost}, never reconnected`);
  return c.red(`${lost}, reconnected ${fmtCount(reconnects)}×; ${fmtCount(down)} never reconnected`);
}

/** The events block, or undefined for runs without events. */
export function formatEvents(events: EventsSection | undefined, c: ChalkInstance): string | undefined {
  if (events === undefined) return undefined;
  const demo = events.demo ? c.yellow(' (in-process, not a real broker: its latencies say nothing about one)') : '';
  return [
    `${c.bold('Events')} ${c.dim(events.broker)}${demo}`,
    flowTable(events, c),
    '',
    `${c.bold('Message latency')} ${c.dim('(ms, from the intended send time)')}`,
    latencyTable(events, c),
    ...notes(events, c),
  ].join('\n');
}

/** The live line of an event run: publish and consume rates, e2e p99 and the queue lag, once a second. */
export function formatEventProgress(u: LiveUpdate, events: LiveEvents, c: ChalkInstance): string {
  const p = events.point;
  const draining = u.elapsedMs > u.durationMs;
  const lag = p.lag === null ? c.dim('lag n/a') : p.lag > 0 ? c.yellow(`lag ${fmtCount(p.lag)}`) : 'lag 0';
  const parts = [
    `${formatDuration(u.elapsedMs)}/${formatDuration(u.durationMs)}${draining ? c.dim(' draining') : ''}`,
    `pub ${fmtCount(p.acked)}/s`,
    `cons ${fmtCount(p.consumed)}/s`,
    `e2e p99 ${fmtMsUnit(p.e2eP99)}`,
    lag,
    c.dim(`backlog ${fmtCount(p.backlog)}, oldest ${fmtMsUnit(p.timeLagMs)}`),
    u.totalErrors > 0 ? c.red(`${fmtCount(u.totalErrors)} err`) : '0 err',
  ];
  if (u.point.targetRate > 0) parts.splice(2, 0, c.dim(`target ${fmtRate(u.point.targetRate)}`));
  if (u.totalDropped > 0) parts.push(c.yellow(`${fmtCount(u.totalDropped)} dropped`));
  return parts.join('  ');
}
