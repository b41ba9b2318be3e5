import { encodeHistogram, type LatencySummary, summarizeHistogram } from '../../metrics/histogram.js';
import type { WsTotals } from '../../metrics/ws-recorder.js';
import type { RunAggregator } from '../../metrics/run-aggregator.js';
import type { RunResult } from '../../result/run-result.js';
import type { MetricSource } from '../../slo/evaluate.js';

/**
 * The `websocket` section of a result (docs/result-schema.md). The round trips are the run's requests (their
 * scopes are the send steps); this section adds the sessions: how many opened or failed, the connect time, the
 * messages both ways and how sessions closed. Histograms are HDR, compressed base64, in microseconds.
 */
export interface WebSocketSection {
  sessions: { started: number; failed: number };
  connectMs: LatencySummary;
  messages: { sent: number; received: number; sentPerSecond: number; receivedPerSecond: number };
  /** By close code: sessions the server closed, and those we closed (1000 at the end of their steps). */
  closes: Record<string, { byServer: number; byClient: number }>;
  histograms: { connect: string };
}

const perSecond = (n: number, elapsedMs: number): number =>
  elapsedMs > 0 ? Math.round((n / elapsedMs) * 1000 * 10) / 10 : 0;

export function webSocketSection(totals: WsTotals, elapsedMs: number): WebSocketSection {
  const c = totals.counts;
  const codes = [...c.closes.entries()].sort((a, b) => a[0] - b[0]);
  return {
    sessions: { started: c.started, failed: c.failed },
    connectMs: summarizeHistogram(c.connect),
    messages: {
      sent: c.sent,
      received: c.received,
      sentPerSecond: perSecond(c.sent, elapsedMs),
      receivedPerSecond: perSecond(c.received, elapsedMs),
    },
    closes: Object.fromEntries(codes.map(([code, n]) => [String(code), { ...n }])),
    histograms: { connect: encodeHistogram(c.connect) },
  };
}

/** SLOs see round trips as requests, by send step under request: and step: alike. */
export function webSocketMetricSource(aggregator: RunAggregator): MetricSource {
  const bySendStep = aggregator.byScope();
  return { global: aggregator.metrics(), scopes: { request: bySendStep, step: bySendStep } };
}

export function withWebSocket(result: RunResult, totals: WsTotals, elapsedMs: number): RunResult {
  return { ...result, websocket: webSocketSection(totals, elapsedMs) };
}
