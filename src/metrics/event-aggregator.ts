import { performance } from 'node:perf_hooks';
import {
  type EventCounts,
  type EventIntervalSnapshot,
  type LagSample,
  type PhaseTimes,
  type PublishErrorCounts,
  addEventCounts,
  emptyEventCounts,
} from './event-recorder.js';
import { type LatencySummary, encodeHistogram, percentilesMs, summarizeHistogram } from './histogram.js';

/** One second of the run for one queue (or all of them). */
export interface EventPoint {
  /** Seconds since start, 1-based: the point covers (t−1, t]. */
  t: number;
  attempted: number;
  acked: number;
  consumed: number;
  failed: number;
  publishP99: number;
  e2eP50: number;
  e2eP99: number;
  /** The broker's lag figure at the end of the second; null when it could not be read. */
  lag: number | null;
  /** Client-side backlog: acknowledged by the broker, not yet consumed by us. */
  backlog: number;
  /** Age of the oldest message not yet consumed (ms). */
  timeLagMs: number;
}

export interface LagSummary {
  /** Highest broker lag sampled; null when the broker's figure could never be read. */
  max: number | null;
  /** Broker lag at the end of the drain phase; null when that reading failed. */
  final: number | null;
  /** How the broker figure was read (LagReading.source, plus what the engine added). */
  source: string;
  clientMax: number;
  clientFinal: number;
  timeLagMaxMs: number;
  timeLagFinalMs: number;
  series: { t: number; lag: number | null; backlog: number; timeLagMs: number }[];
}

/** The event figures of one queue, or of the whole run; what the `events` result section and SLOs read. */
export interface EventMetrics {
  attempted: number;
  acked: number;
  failed: number;
  dropped: number;
  consumed: number;
  duplicates: number;
  outOfOrder: number;
  lost: number;
  undelivered: number;
  foreign: number;
  connectionDrops: number;
  /** Drops the adapters recovered from (a reconnect, consumers subscribed again). */
  reconnects: number;
  /** Connections lost and still not back when the run ended (connectionDrops − reconnects): the broker never came back. */
  connectionsDown: number;
  /** Consumer groups found deleted from the broker mid-run and created again. */
  groupsRecreated: number;
  /** Per second: attempted and acked over the publish phase, consumed over publish + drain phases. */
  rates: { attempted: number; acked: number; consumed: number };
  /** consumed / acked, as a fraction (1 when nothing was acked); 0 in produce-only mode. */
  consumeRatio: number;
  publishErrors: PublishErrorCounts;
  publishLatencyMs: LatencySummary;
  e2eLatencyMs: LatencySummary;
  sendDelayMs: LatencySummary;
  lag: LagSummary;
}

export interface EventHistograms {
  publish: string;
  e2e: string;
  sendDelay: string;
}

interface QueueState {
  totals: EventCounts;
  series: EventPoint[];
  source: string;
}

const rate = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 10_000) / ms) / 10 : 0);

function sumLag(samples: readonly (LagSample | undefined)[]): LagSample | undefined {
  const present = samples.filter((s): s is LagSample => s !== undefined);
  if (present.length === 0) return undefined;
  const broker = present.some((s) => s.broker === null) ? null : present.reduce((a, s) => a + (s.broker ?? 0), 0);
  return {
    broker,
    client: present.reduce((a, s) => a + s.client, 0),
    timeLagMs: Math.max(...present.map((s) => s.timeLagMs)),
  };
}

const P99 = [99];
const P50_P99 = [50, 99];

/** Only the three percentiles a point shows, each histogram walked once (a full summary costs more). */
function point(t: number, c: EventCounts, lag: LagSample | undefined): EventPoint {
  const [e2eP50 = 0, e2eP99 = 0] = percentilesMs(c.e2e, P50_P99);
  const [publishP99 = 0] = percentilesMs(c.publish, P99);
  return {
    t,
    attempted: c.attempted,
    acked: c.acked,
    consumed: c.consumed,
    failed: c.failed,
    publishP99,
    e2eP50,
    e2eP99,
    lag: lag?.broker ?? null,
    backlog: lag?.client ?? 0,
    timeLagMs: Math.round(lag?.timeLagMs ?? 0),
  };
}

/** Folds event interval snapshots into per-queue and whole-run totals, lag statistics and a one-second series. */
export class EventAggregator {
  private readonly queues: QueueState[];
  private readonly all: QueueState;
  private lastFlushMs = 0;
  private phases: PhaseTimes = {};

  constructor(readonly names: readonly string[]) {
    const state = (): QueueState => ({ totals: emptyEventCounts(), series: [], source: '' });
    this.queues = names.map(state);
    this.all = state();
  }

  add(s: EventIntervalSnapshot): void {
    const spanMs = s.elapsedMs - this.lastFlushMs;
    this.lastFlushMs = s.elapsedMs;
    this.phases = s.phases;
    const merged = emptyEventCounts();
    s.queues.forEach((counts, i) => {
      const q = this.queues[i];
      if (q === undefined) return;
      addEventCounts(q.totals, counts);
      addEventCounts(merged, counts);
      q.source = s.lagSource[i] ?? q.source;
      this.push(q, counts, s.lag[i], spanMs);
    });
    addEventCounts(this.all.totals, merged);
    this.all.source = [...new Set(this.queues.map((q) => q.source).filter((x) => x !== ''))].join('; ');
    this.push(this.all, merged, sumLag(s.lag), spanMs);
  }

  /** A last flush of a few ms folds into the previous second rather than make a point from a sliver. */
  private push(q: QueueState, c: EventCounts, lag: LagSample | undefined, spanMs: number): void {
    const prev = q.series[q.series.length - 1];
    const next = point(q.series.length + 1, c, lag);
    if (prev === undefined || spanMs >= 250) {
      q.series.push(next);
      return;
    }
    prev.attempted += c.attempted;
    prev.acked += c.acked;
    prev.consumed += c.consumed;
    prev.failed += c.failed;
    if (lag !== undefined) Object.assign(prev, { lag: next.lag, backlog: next.backlog, timeLagMs: next.timeLagMs });
  }

  /** The most recent point of the whole run, for the live view. */
  get latest(): EventPoint | undefined {
    return this.all.series[this.all.series.length - 1];
  }

  metrics(): EventMetrics {
    return this.summarize(this.all);
  }

  byQueue(): Record<string, EventMetrics> {
    const out: Record<string, EventMetrics> = {};
    this.names.forEach((name, i) => {
      const q = this.queues[i];
      if (q !== undefined) out[name] = this.summarize(q);
    });
    return out;
  }

  timeseries(): EventPoint[] {
    return this.all.series;
  }

  histograms(): EventHistograms & { byQueue: Record<string, EventHistograms> } {
    const enc = (c: EventCounts): EventHistograms => ({
      publish: encodeHistogram(c.publish),
      e2e: encodeHistogram(c.e2e),
      sendDelay: encodeHistogram(c.sendDelay),
    });
    const byQueue: Record<string, EventHistograms> = {};
    this.names.forEach((name, i) => {
      const q = this.queues[i];
      if (q !== undefined) byQueue[name] = enc(q.totals);
    });
    return { ...enc(this.all.totals), byQueue };
  }

  private summarize(q: QueueState): EventMetrics {
    const t = q.totals;
    const { publishing, draining, done } = this.phases;
    const now = performance.now();
    const publishMs = publishing === undefined ? 0 : (draining ?? now) - publishing;
    const consumeMs = publishing === undefined ? 0 : (done ?? now) - publishing;
    const series = q.series.map((p) => ({ t: p.t, lag: p.lag, backlog: p.backlog, timeLagMs: p.timeLagMs }));
    const brokerValues = series.map((p) => p.lag).filter((x): x is number => x !== null);
    const last = series[series.length - 1];
    return {
      attempted: t.attempted,
      acked: t.acked,
      failed: t.failed,
      dropped: t.dropped,
      consumed: t.consumed,
      duplicates: t.duplicates,
      outOfOrder: t.outOfOrder,
      lost: t.lost,
      undelivered: t.undelivered,
      foreign: t.foreign,
      connectionDrops: t.connectionDrops,
      reconnects: t.reconnects,
      connectionsDown: Math.max(0, t.connectionDrops - t.reconnects),
      groupsRecreated: t.groupsRecreated,
      rates: {
        attempted: rate(t.attempted, publishMs),
        acked: rate(t.acked, publishMs),
        consumed: rate(t.consumed, consumeMs),
      },
      consumeRatio: t.acked > 0 ? t.consumed / t.acked : 1,
      publishErrors: { ...t.errors },
      publishLatencyMs: summarizeHistogram(t.publish),
      e2eLatencyMs: summarizeHistogram(t.e2e),
      sendDelayMs: summarizeHistogram(t.sendDelay),
      lag: {
        max: brokerValues.length > 0 ? Math.max(...brokerValues) : null,
        final: last?.lag ?? null,
        source: q.source,
        clientMax: Math.max(0, ...series.map((p) => p.backlog)),
        clientFinal: last?.backlog ?? 0,
        timeLagMaxMs: Math.max(0, ...series.map((p) => p.timeLagMs)),
        timeLagFinalMs: last?.timeLagMs ?? 0,
        series,
      },
    };
  }
}
