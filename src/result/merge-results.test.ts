import { describe, expect, it } from 'vitest';
import { emptyErrorCounts } from '../metrics/error-kinds.js';
import { createHistogram, encodeHistogram, recordMs, summarizeHistogram } from '../metrics/histogram.js';
import type { TimeseriesPoint } from '../metrics/run-aggregator.js';
import { mergeResults } from './merge-results.js';
import type { RunResult } from './run-result.js';

/** A shard result whose second i saw `perSecond[i]` requests of latency `ms`. */
function shard(
  index: number,
  startedAt: string,
  perSecond: number[],
  ms: number,
  withPointHistograms = true,
): RunResult {
  const total = createHistogram();
  const points: TimeseriesPoint[] = [];
  const pointHistograms: string[] = [];
  perSecond.forEach((n, i) => {
    const h = createHistogram();
    for (let k = 0; k < n; k++) {
      recordMs(h, ms);
      recordMs(total, ms);
    }
    const s = summarizeHistogram(h);
    points.push({
      t: i + 1,
      requests: n,
      errors: 0,
      dropped: 0,
      rps: n,
      p50: s.p50,
      p95: s.p95,
      p99: s.p99,
      inFlight: index + 1,
      targetRate: 10,
    });
    pointHistograms.push(encodeHistogram(h));
  });
  const requests = perSecond.reduce((a, b) => a + b, 0);
  const scope = {
    requests,
    rps: requests / perSecond.length,
    errors: 0,
    errorRate: 0,
    dropped: 0,
    latencyMs: summarizeHistogram(total),
  };
  return {
    schemaVersion: 1,
    tool: { name: 'backend-bench', version: 'test' },
    runId: `r${index}`,
    scenario: 's',
    target: 't',
    model: 'open',
    startedAt,
    durationMs: perSecond.length * 1000,
    interrupted: false,
    abortedBy: null,
    pass: true,
    metrics: scope,
    byRequest: { a: scope },
    errorsByKind: { ...emptyErrorCounts(), status: index },
    errorSamples: { [`status: ${index}`]: index },
    sendDelayMs: summarizeHistogram(createHistogram()),
    slos: [],
    generator: {
      saturated: index === 1,
      reasons: index === 1 ? ['cpu'] : [],
      eventLoopDelayP99Ms: index,
      eventLoopDelayMaxMs: 1,
      cpuPercent: 50,
      sendDelayP99Ms: 0,
    },
    histograms: {
      total: encodeHistogram(total),
      byRequest: { a: encodeHistogram(total) },
      ...(withPointHistograms && { timeseries: pointHistograms, timeseriesByScope: { a: pointHistograms } }),
    },
    timeseries: points,
    shard: { index: index + 1, count: 2 },
  };
}

describe('mergeResults', () => {
  it('aligns the series by wall-clock second and gives each merged second the percentiles of all its requests', () => {
    const a = shard(0, '2030-01-01T00:00:00.000Z', [10, 10, 10], 5);
    const b = shard(1, '2030-01-01T00:00:02.300Z', [30, 30], 50); // starts 2.3 s later: its second 1 is the run's second 3
    const m = mergeResults([a, b], { runId: 'm', version: 'test' });
    expect(m.startedAt).toBe('2030-01-01T00:00:00.000Z');
    expect(m.durationMs).toBe(4300);
    expect(m.timeseries.map((p) => [p.t, p.requests, p.inFlight])).toEqual([
      [1, 10, 1],
      [2, 10, 1],
      [3, 40, 3],
      [4, 30, 2],
    ]);
    // Second 3: 10 at 5 ms and 30 at 50 ms, so its median is 50 ms; seconds 1-2 stay at 5 ms (within 0.1 %).
    expect(m.timeseries.map((p) => Math.round(p.p50))).toEqual([5, 5, 50, 50]);
    expect(m.histograms.timeseries).toHaveLength(4);
    expect(m.histograms.timeseriesByScope?.a).toEqual(m.histograms.timeseries);
    // Both ran only in the run's third second (b started 2.3 s late): the rate is that second's 40 requests.
    expect(m.mergedWindow).toEqual({ overlapMs: 700, spanMs: 4300, rateFrom: 'overlap' });
    expect(m.metrics.rps).toBe(40);
    expect(m.byRequest.a?.rps).toBe(40);
    expect(m.metrics.requests).toBe(90);
    expect(Math.round(m.metrics.latencyMs.p50)).toBe(50);
    expect(Math.round(m.metrics.latencyMs.p99)).toBe(50);
    expect(m.errorsByKind.status).toBe(1);
    expect(m.errorSamples).toEqual({ 'status: 0': 0, 'status: 1': 1 });
    expect(m.generator).toMatchObject({ saturated: true, reasons: ['shard 2/2: cpu'], eventLoopDelayP99Ms: 1 });
    expect(m.mergedFrom).toEqual([
      { runId: 'r0', startedAt: a.startedAt, shard: { index: 1, count: 2 } },
      { runId: 'r1', startedAt: b.startedAt, shard: { index: 2, count: 2 } },
    ]);
  });

  it('without per-second histograms (results not run as shards) a merged second shows the worst shard', () => {
    const a = shard(0, '2030-01-01T00:00:00.000Z', [10], 5, false);
    const b = shard(1, '2030-01-01T00:00:00.000Z', [30], 50);
    const m = mergeResults([a, b], { runId: 'm', version: 'test' });
    expect(Math.round(m.timeseries[0]?.p50 ?? 0)).toBe(50);
    expect(m.histograms.timeseries).toBeUndefined();
    expect(m.histograms.timeseriesByScope).toBeUndefined();
  });

  it('shards that never ran at the same time get the sum of their own rates, and the window says so', () => {
    const a = shard(0, '2030-01-01T00:00:00.000Z', [10, 10], 5);
    const b = shard(1, '2030-01-01T00:00:05.000Z', [30, 30], 5);
    const m = mergeResults([a, b], { runId: 'm', version: 'test' });
    expect(m.mergedWindow).toEqual({ overlapMs: 0, spanMs: 7000, rateFrom: 'sum of shard rates' });
    expect(m.metrics.rps).toBe(40);
  });
});
