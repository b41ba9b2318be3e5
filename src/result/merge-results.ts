import { addErrorCounts, emptyErrorCounts } from '../metrics/error-kinds.js';
import {
  type Histogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  summarizeHistogram,
} from '../metrics/histogram.js';
import { MAX_ERROR_SAMPLES } from '../metrics/interval-recorder.js';
import type { ScopeMetrics, TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { GeneratorHealth } from '../metrics/saturation.js';
import type { RunResult } from './run-result.js';

/** A merged result before its SLOs are judged (the command judges them once, on these figures). */
export type MergedResult = Omit<RunResult, 'slos' | 'pass'>;

const round1 = (x: number): number => Math.round(x * 10) / 10;
const decodeAll = (texts: readonly string[]): Histogram => mergeHistograms(texts.map(decodeHistogram));
const shardLabel = (r: RunResult): string =>
  r.shard === undefined ? `run ${r.runId}` : `shard ${r.shard.index}/${r.shard.count}`;

/**
 * Figures of one scope over all shards: counts summed, latency from the added histograms. The rate is `rps`
 * (see mergedRate) shared out by the scope's part of the requests, so the scopes' rates add up to the run's.
 */
function mergeScope(parts: readonly ScopeMetrics[], latency: Histogram, rate: MergedRate): ScopeMetrics {
  const requests = parts.reduce((n, p) => n + p.requests, 0);
  const errors = parts.reduce((n, p) => n + p.errors, 0);
  return {
    requests,
    rps: rate.requests > 0 ? round1((rate.rps * requests) / rate.requests) : 0,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    dropped: parts.reduce((n, p) => n + p.dropped, 0),
    latencyMs: summarizeHistogram(latency),
  };
}

/** Whole seconds between a shard's start and the earliest start: its series is shifted by that much. */
function offsets(results: readonly RunResult[]): { origin: number; shifts: number[] } {
  const starts = results.map((r) => Date.parse(r.startedAt));
  const origin = Math.min(...starts);
  return { origin, shifts: starts.map((s) => Math.round((s - origin) / 1000)) };
}

interface Slot {
  point: TimeseriesPoint;
  latency: string[];
  worst: [p50: number, p95: number, p99: number];
}

const emptySlot = (at: number): Slot => ({
  point: { t: at + 1, requests: 0, errors: 0, dropped: 0, rps: 0, p50: 0, p95: 0, p99: 0, inFlight: 0, targetRate: 0 },
  latency: [],
  worst: [0, 0, 0],
});

function addPoint(slot: Slot, p: TimeseriesPoint, histogram: string | undefined): void {
  const m = slot.point;
  m.requests += p.requests;
  m.errors += p.errors;
  m.dropped += p.dropped;
  m.rps = round1(m.rps + p.rps);
  m.inFlight += p.inFlight;
  m.targetRate = round1(m.targetRate + p.targetRate);
  slot.worst = [Math.max(slot.worst[0], p.p50), Math.max(slot.worst[1], p.p95), Math.max(slot.worst[2], p.p99)];
  if (histogram !== undefined) slot.latency.push(histogram);
}

/**
 * Points aligned by wall-clock second: counts, rates and gauges summed; percentiles from the points' own
 * histograms when every shard kept them (runs with --shard do), else the worst shard's (an upper bound).
 */
function mergeTimeseries(
  results: readonly RunResult[],
  shifts: readonly number[],
): { points: TimeseriesPoint[]; histograms?: string[] } {
  const slots: Slot[] = [];
  results.forEach((r, k) => {
    r.timeseries.forEach((p, i) => {
      const at = i + (shifts[k] as number);
      addPoint((slots[at] ??= emptySlot(at)), p, r.histograms.timeseries?.[i]);
    });
  });
  const filled = Array.from(slots, (slot, at) => slot ?? emptySlot(at));
  const exact = results.every((r) => r.histograms.timeseries?.length === r.timeseries.length);
  if (!exact) return { points: filled.map((s) => ({ ...s.point, p50: s.worst[0], p95: s.worst[1], p99: s.worst[2] })) };
  const latency = filled.map((s) => decodeAll(s.latency));
  return {
    points: filled.map((s, i) => {
      const { p50, p95, p99 } = summarizeHistogram(latency[i] as Histogram);
      return { ...s.point, p50, p95, p99 };
    }),
    histograms: latency.map(encodeHistogram),
  };
}

interface MergedRate {
  rps: number;
  /** All requests of the merge, to share `rps` out among scopes. */
  requests: number;
  window: NonNullable<RunResult['mergedWindow']>;
}

/**
 * The run's rate over the seconds when every shard was running (their windows' overlap, in the aligned series):
 * over the whole span a shard that started late would dilute it, and summing each shard's own rate assumes they
 * ran together. Without a whole second of overlap, the shards' rates are summed and the window says so.
 */
function mergedRate(results: readonly RunResult[], shifts: readonly number[], points: TimeseriesPoint[]): MergedRate {
  const requests = results.reduce((n, r) => n + r.metrics.requests, 0);
  const starts = results.map((r) => Date.parse(r.startedAt));
  const ends = results.map((r, k) => (starts[k] as number) + r.durationMs);
  const spanMs = Math.max(...ends) - Math.min(...starts);
  const overlapMs = Math.max(0, Math.min(...ends) - Math.max(...starts));
  const from = Math.max(...shifts);
  const to = Math.min(...results.map((r, k) => (shifts[k] as number) + r.timeseries.length));
  if (to - from < 1) {
    const summed = round1(results.reduce((n, r) => n + r.metrics.rps, 0));
    return { rps: summed, requests, window: { overlapMs, spanMs, rateFrom: 'sum of shard rates' } };
  }
  const inOverlap = points.slice(from, to).reduce((n, p) => n + p.requests, 0);
  return { rps: round1(inOverlap / (to - from)), requests, window: { overlapMs, spanMs, rateFrom: 'overlap' } };
}

/**
 * Each request scope's per-second histograms, aligned and added like the run's, when every shard kept them for
 * every point (so compare can bootstrap the merged result's scopes too).
 */
function mergeScopeSeries(
  results: readonly RunResult[],
  shifts: readonly number[],
  names: readonly string[],
  length: number,
): Record<string, string[]> | undefined {
  const kept = (r: RunResult, n: string): string[] | undefined => {
    const series = r.histograms.timeseriesByScope?.[n];
    return series?.length === r.timeseries.length ? series : undefined;
  };
  if (!results.every((r) => names.every((n) => kept(r, n) !== undefined))) return undefined;
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const slots: string[][] = Array.from({ length }, () => []);
    results.forEach((r, k) => kept(r, name)?.forEach((h, i) => slots[i + (shifts[k] as number)]?.push(h)));
    out[name] = slots.map((texts) => encodeHistogram(decodeAll(texts)));
  }
  return out;
}

/** The worst shard, figure by figure; its reasons are named by shard. */
function mergeGenerator(results: readonly RunResult[], sendDelayP99Ms: number): GeneratorHealth {
  const g = results.map((r) => r.generator);
  return {
    saturated: g.some((x) => x.saturated),
    reasons: results.flatMap((r) => r.generator.reasons.map((reason) => `${shardLabel(r)}: ${reason}`)),
    eventLoopDelayP99Ms: Math.max(...g.map((x) => x.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...g.map((x) => x.eventLoopDelayMaxMs)),
    cpuPercent: Math.max(...g.map((x) => x.cpuPercent)),
    sendDelayP99Ms,
  };
}

function mergeErrorSamples(results: readonly RunResult[]): Record<string, number> {
  const samples = new Map<string, number>();
  for (const r of results) {
    for (const [message, count] of Object.entries(r.errorSamples)) {
      const seen = samples.get(message);
      if (seen !== undefined) samples.set(message, seen + count);
      else if (samples.size < MAX_ERROR_SAMPLES) samples.set(message, count);
    }
  }
  return Object.fromEntries(samples);
}

/**
 * Merges the results of the shards of one run exactly: histograms added (so percentiles are those of all
 * requests, within the histograms' 0.1 % precision), counters summed, the time series aligned by wall-clock
 * second from each shard's start. The inputs must already be checked as parts of one run (checkMergeable).
 */
export function mergeResults(results: readonly RunResult[], meta: { runId: string; version: string }): MergedResult {
  const first = results[0];
  if (first === undefined) throw new RangeError('nothing to merge');
  const { origin, shifts } = offsets(results);
  const end = Math.max(...results.map((r) => Date.parse(r.startedAt) + r.durationMs));
  const names = Object.keys(first.byRequest);
  const total = decodeAll(results.map((r) => r.histograms.total));
  const byName = new Map(names.map((n) => [n, decodeAll(results.map((r) => r.histograms.byRequest[n] as string))]));
  const delays = results.flatMap((r) => (r.histograms.sendDelay === undefined ? [] : [r.histograms.sendDelay]));
  const sendDelay = delays.length === results.length ? decodeAll(delays) : undefined;
  const sendDelayMs = sendDelay === undefined ? first.sendDelayMs : summarizeHistogram(sendDelay);
  const series = mergeTimeseries(results, shifts);
  const rate = mergedRate(results, shifts, series.points);
  const scopeSeries = mergeScopeSeries(results, shifts, names, series.points.length);
  const errorsByKind = emptyErrorCounts();
  for (const r of results) addErrorCounts(errorsByKind, r.errorsByKind);
  return {
    schemaVersion: first.schemaVersion,
    tool: { name: 'backend-bench', version: meta.version },
    runId: meta.runId,
    scenario: first.scenario,
    target: first.target,
    model: first.model,
    startedAt: new Date(origin).toISOString(),
    durationMs: end - origin,
    interrupted: results.some((r) => r.interrupted),
    abortedBy: results.find((r) => r.abortedBy !== null)?.abortedBy ?? null,
    metrics: mergeScope(
      results.map((r) => r.metrics),
      total,
      rate,
    ),
    byRequest: Object.fromEntries(
      names.map((n) => [
        n,
        mergeScope(
          results.map((r) => r.byRequest[n] as ScopeMetrics),
          byName.get(n) as Histogram,
          rate,
        ),
      ]),
    ),
    errorsByKind,
    errorSamples: mergeErrorSamples(results),
    sendDelayMs,
    generator: mergeGenerator(results, sendDelayMs.p99),
    histograms: {
      total: encodeHistogram(total),
      byRequest: Object.fromEntries([...byName].map(([n, h]) => [n, encodeHistogram(h)])),
      ...(sendDelay && { sendDelay: encodeHistogram(sendDelay) }),
      ...(series.histograms && { timeseries: series.histograms }),
      ...(scopeSeries && { timeseriesByScope: scopeSeries }),
    },
    timeseries: series.points,
    sloSpecs: first.sloSpecs ?? [],
    mergedWindow: rate.window,
    mergedFrom: results.map((r) => ({ runId: r.runId, startedAt: r.startedAt, ...(r.shard && { shard: r.shard }) })),
  };
}
