import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { emptyErrorCounts } from '../metrics/error-kinds.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import { formatSummary } from './terminal-summary.js';
import { runResult } from '../../test/support/result-fixtures.js';

const latency = { p50: 20.4, p90: 21, p95: 21.3, p99: 23, p999: 25, max: 31, mean: 20.6 };
const scope = (requests: number, errors: number): ScopeMetrics => ({
  requests,
  rps: requests / 5,
  errors,
  errorRate: errors / requests,
  dropped: 0,
  latencyMs: latency,
});

function fixture(overrides: Partial<RunResult> = {}): RunResult {
  return runResult({
    runId: 'abcd1234',
    scenario: 'checkout',
    target: 'http://127.0.0.1:3000/',
    durationMs: 5003,
    pass: false,
    metrics: scope(1000, 12),
    byRequest: { 'list-users': scope(750, 2), 'create-user': scope(250, 10) },
    errorsByKind: { ...emptyErrorCounts(), timeout: 2, status: 10 },
    errorSamples: { 'status: status 503': 10, 'timeout: Headers Timeout Error': 2 },
    sendDelayMs: { ...latency, p99: 0.42 },
    slos: [
      {
        expr: 'p95 < 200ms',
        metric: 'p95',
        op: '<',
        threshold: 200,
        value: 21.3,
        unit: 'ms',
        samples: 1000,
        pass: true,
      },
      {
        expr: 'error_rate < 1%',
        metric: 'error_rate',
        op: '<',
        threshold: 0.01,
        value: 0.012,
        unit: 'ratio',
        samples: 1000,
        pass: false,
      },
    ],
    generator: {
      saturated: false,
      reasons: [],
      eventLoopDelayP99Ms: 1,
      eventLoopDelayMaxMs: 2,
      cpuPercent: 30,
      sendDelayP99Ms: 0.42,
    },
    ...overrides,
  });
}

const plain = new Chalk({ level: 0 });

describe('terminal summary (what users see)', () => {
  it('a failing run with errors', () => {
    expect(formatSummary(fixture(), plain)).toMatchSnapshot();
  });

  it('a saturated, interrupted run says so plainly', () => {
    const text = formatSummary(
      fixture({
        interrupted: true,
        generator: {
          saturated: true,
          reasons: ['send delay p99 35 ms > 10 ms (starts left late)'],
          eventLoopDelayP99Ms: 1,
          eventLoopDelayMaxMs: 2,
          cpuPercent: 30,
          sendDelayP99Ms: 35,
        },
      }),
      plain,
    );
    expect(text).toMatch(/⚠ the load generator was saturated \(send delay p99 35 ms > 10 ms \(starts left late\)\)/);
    expect(text).toMatch(/interrupted: partial result/);
  });

  it('a time-lag SLO measured in seconds reads "11.5s", never "11.5s ms"', () => {
    const verdict = {
      expr: 'time_lag_max < 5s',
      metric: 'time_lag_max',
      op: '<',
      threshold: 5000,
      value: 11_500,
      unit: 'ms',
      samples: 900,
      pass: false,
    } as const;
    const text = formatSummary(fixture({ slos: [verdict] }), plain);
    expect(text).toMatch(/✗ FAIL +time_lag_max < 5s +11\.5s\n/);
    expect(text).not.toMatch(/s ms/);
  });

  it('colour only when asked', () => {
    expect(formatSummary(fixture(), plain)).not.toContain('\u001b[');
    expect(formatSummary(fixture(), new Chalk({ level: 1 }))).toContain('\u001b[31m✗ FAIL');
  });

  it('lists the outputs that failed above the verdict', () => {
    const text = formatSummary(
      fixture({ warnings: ['otlp: export to http://127.0.0.1:9/v1/metrics failed: ECONNREFUSED (failed 2 times)'] }),
      plain,
    );
    expect(text).toContain(
      '⚠ an output failed (--strict-outputs makes this exit 3):\n  otlp: export to http://127.0.0.1:9/v1/metrics failed: ECONNREFUSED (failed 2 times)\n\n',
    );
    expect(formatSummary(fixture(), plain)).not.toContain('output failed');
  });
});
