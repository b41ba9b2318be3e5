import type { TimeseriesPoint } from '../../src/metrics/run-aggregator.js';
import { emptyErrorCounts } from '../../src/metrics/error-kinds.js';
import type { RunResult } from '../../src/result/run-result.js';

/** Reporter tests build results by hand: the fields they do not care about take these quiet values. */
const latency = { p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, mean: 1.5 };

/** A passing 30 s open-model run of 100 requests with no scopes, SLOs or time series; `overrides` replace fields. */
export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'backend-bench', version: '0.0.0' },
    runId: 'r1',
    scenario: 's',
    target: 'http://127.0.0.1:1/',
    model: 'open',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 30_000,
    interrupted: false,
    abortedBy: null,
    pass: true,
    metrics: { requests: 100, rps: 10, errors: 0, errorRate: 0, dropped: 0, latencyMs: latency },
    byRequest: {},
    errorsByKind: emptyErrorCounts(),
    errorSamples: {},
    sendDelayMs: latency,
    slos: [],
    generator: {
      saturated: false,
      reasons: [],
      eventLoopDelayP99Ms: 1,
      eventLoopDelayMaxMs: 1,
      cpuPercent: 1,
      sendDelayP99Ms: 1,
    },
    histograms: { total: '', byRequest: {} },
    timeseries: [],
    ...overrides,
  };
}

/** One second of a run's time series: `rps` requests, none failed, at the scheduled `targetRate`. */
export const timeseriesPoint = (t: number, rps: number, targetRate: number): TimeseriesPoint => ({
  t,
  requests: rps,
  errors: 0,
  dropped: 0,
  rps,
  p50: 1,
  p95: 2,
  p99: 3,
  inFlight: 0,
  targetRate,
});
