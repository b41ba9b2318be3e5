import type { WsCounts } from '../../metrics/ws-recorder.js';
import type { LiveSection, MetricEmitter } from '../../reporters/section.js';

/** One second of sessions: opened and failed, messages both ways, connect times and close codes. */
function emitSessions(c: WsCounts, out: MetricEmitter): void {
  out.count('wsSessions', { outcome: 'opened' }, c.started);
  out.count('wsSessions', { outcome: 'failed' }, c.failed);
  out.count('wsMessagesSent', {}, c.sent);
  out.count('wsMessagesReceived', {}, c.received);
  out.latency('wsConnectDuration', {}, c.connect);
  for (const [code, n] of c.closes) {
    if (n.byServer > 0) out.count('wsCloses', { code: String(code), by: 'server' }, n.byServer);
    if (n.byClient > 0) out.count('wsCloses', { code: String(code), by: 'client' }, n.byClient);
  }
}

/** A WebSocket run's live section: its session series beside the round trips' request figures. */
export function liveWebSocket(counts: WsCounts | undefined): LiveSection | undefined {
  if (counts === undefined) return undefined;
  return { emit: (out) => emitSessions(counts, out) };
}
