import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMs, summarizeHistogram } from '../metrics/histogram.js';
import { runResult } from '../../test/support/result-fixtures.js';
import { seededRandom } from './bootstrap.js';
import type { RunResult } from './run-result.js';
import { compareResults, latencyFloorMs } from './compare.js';

/** 3,000 requests, latency uniform in [10, 40] ms × `scale`, from a fixed seed; the generator saturated or not. */
function run(scale: number, saturated: boolean): RunResult {
  const random = seededRandom(7);
  const h = createHistogram();
  for (let i = 0; i < 3000; i++) recordMs(h, (10 + random() * 30) * scale);
  const base = runResult();
  return runResult({
    metrics: { ...base.metrics, requests: 3000, rps: 100, latencyMs: summarizeHistogram(h) },
    histograms: { total: encodeHistogram(h), byRequest: {} },
    sendDelayMs: { p50: 0.001, p90: 4.2, p95: 12.8, p99: 38.1, p999: 54.3, max: 54.3, mean: 2.2 },
    generator: { ...base.generator, saturated, eventLoopDelayP99Ms: saturated ? 30.8 : 4.4 },
  });
}

const regressions = (a: RunResult, b: RunResult): string[] =>
  compareResults(a, b, new Map())
    .filter((r) => r.verdict === 'regression')
    .map((r) => r.metric);

describe('the latency floor of a saturated generator', () => {
  it('is its send delay at the percentile plus its event-loop delay p99; 1 ms when neither run was saturated', () => {
    expect(latencyFloorMs(run(1, false), run(1, false), 'p95')).toBe(1);
    expect(latencyFloorMs(run(1, false), run(1, true), 'p95')).toBe(43.6);
    expect(latencyFloorMs(run(1, true), run(1, false), 'p50')).toBe(30.8);
  });

  it('keeps a busy machine’s saturated run, 39 % slower by its own lateness, from reading as a regression', () => {
    // The same change measured by a generator that kept up is a regression: the floor is what spares it.
    expect(regressions(run(1, false), run(1.39, false))).toEqual(expect.arrayContaining(['p50', 'p90', 'p95']));
    expect(regressions(run(1, false), run(1.39, true))).toEqual([]);
  });
});
