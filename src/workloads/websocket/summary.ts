import type { ChalkInstance } from 'chalk';
import { fmtCount, fmtMs, fmtRate } from '../../reporters/format.js';
import type { ReportTable } from '../../reporters/section.js';
import type { WebSocketSection } from './section.js';

/** The session figures as label/value rows, shared by the terminal block and the report table. */
function rows(ws: WebSocketSection): [string, string][] {
  const { sessions, connectMs: t, messages: m } = ws;
  const closes = Object.entries(ws.closes).map(([code, n]): [string, string] => [
    `closed ${code}`,
    `${fmtCount(n.byServer)} by the server, ${fmtCount(n.byClient)} by us`,
  ]);
  return [
    ['sessions', `${fmtCount(sessions.started)} opened, ${fmtCount(sessions.failed)} failed to open`],
    ['connect (ms)', `p50 ${fmtMs(t.p50)}  p95 ${fmtMs(t.p95)}  p99 ${fmtMs(t.p99)}  max ${fmtMs(t.max)}`],
    ['messages sent', `${fmtCount(m.sent)} (${fmtRate(m.sentPerSecond)}/s)`],
    ['messages received', `${fmtCount(m.received)} (${fmtRate(m.receivedPerSecond)}/s)`],
    ...closes,
  ];
}

/** The terminal summary's WebSocket block; the round trips are in the request table above it. */
export function formatWebSocket(ws: WebSocketSection | undefined, c: ChalkInstance): string | undefined {
  if (ws === undefined) return undefined;
  const width = Math.max(...rows(ws).map(([label]) => label.length));
  const lines = rows(ws).map(([label, value]) => `  ${c.dim(label.padEnd(width))}  ${value}`);
  return [`${c.bold('WebSocket sessions')} ${c.dim('(requests above are round trips: send → reply)')}`, ...lines].join(
    '\n',
  );
}

/** The Markdown and HTML reports' table of the sessions. */
export function webSocketTable(ws: WebSocketSection): ReportTable {
  return { title: 'WebSocket sessions', head: ['figure', 'value'], rows: rows(ws) };
}
