import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, type Histogram, recordMs } from '../metrics/histogram.js';
import { bootstrapRatios, ratioInterval, seededRandom } from './bootstrap.js';
import { errorRateInterval, quantileBounds } from './compare-interval.js';
import { judgeChange, latencyIntervals, type LatencyEvidence } from './compare-verdict.js';
import { latencyWindows } from './latency-windows.js';

/** `seconds` seconds of `perSecond` requests each, latency uniform in [lo, hi] × the second's factor. */
function run(seconds: number, perSecond: number, lo: number, hi: number, seed: number, slowEvery = 0): LatencyEvidence {
  const random = seededRandom(seed);
  const total = createHistogram();
  const windows: string[] = [];
  for (let s = 0; s < seconds; s++) {
    const h = createHistogram();
    const factor = slowEvery > 0 && s % slowEvery === 0 ? 3 : 1;
    for (let i = 0; i < perSecond; i++) {
      const ms = (lo + random() * (hi - lo)) * factor;
      recordMs(h, ms);
      recordMs(total, ms);
    }
    windows.push(encodeHistogram(h));
  }
  return { histogram: total, windows };
}

const judge = (interval: [number, number] | null, baseline: number, current: number, budget = 0.1): string =>
  judgeChange({
    kind: 'latency',
    baseline,
    current,
    budget,
    interval,
    needsInterval: true,
    fewSamples: false,
    floorMs: 1,
  });

describe('the interval of a percentile from its sample count', () => {
  const sample = (n: number): Histogram => {
    const h = createHistogram();
    for (let i = 1; i <= n; i++) recordMs(h, i / 10);
    return h;
  };

  it('brackets the estimate, and cannot bound a p99 from 300 requests (too few samples)', () => {
    const [lo, mid, hi] = quantileBounds(sample(1000), 0.5) ?? [0, 0, 0];
    expect(lo).toBeLessThan(mid);
    expect(hi).toBeGreaterThan(mid);
    expect(mid).toBeCloseTo(50, 0);
    expect(quantileBounds(sample(300), 0.99)).toBeNull();
    expect(quantileBounds(sample(1000), 0.99)).not.toBeNull();
    expect(quantileBounds(sample(300), 0.95)).not.toBeNull();
  });
});

describe('compare verdicts: beyond budget AND statistically real', () => {
  it('two runs of the same server: every interval holds zero, nothing regresses', () => {
    const a = run(10, 100, 2, 6, 1);
    const b = run(10, 100, 2, 6, 2);
    const intervals = latencyIntervals(a, b);
    for (const key of ['p50', 'p90', 'p95', 'mean'] as const) {
      const i = intervals[key];
      expect(i, key).not.toBeNull();
      expect(i?.[0], key).toBeLessThan(0);
      expect(i?.[1], key).toBeGreaterThan(0);
    }
  });

  it('a server 20 % slower is a regression on p90', () => {
    const a = run(10, 100, 2, 6, 1);
    const b = run(10, 100, 2.4, 7.2, 2);
    const i = latencyIntervals(a, b).p90;
    expect(i?.[0]).toBeGreaterThan(0.1);
    expect(judge(i, 5.6, 6.72)).toBe('regression');
  });

  it('beyond budget but not real is within noise; real but within budget is within noise too', () => {
    expect(judge([-0.05, 0.4], 5, 6.2)).toBe('within noise');
    expect(judge([0.02, 0.06], 50, 52)).toBe('within noise');
    expect(judge([-0.4, -0.2], 10, 7)).toBe('improvement');
    expect(judge(null, 5, 9)).toBe('too few samples');
  });

  it('a throughput regression is a fall whose interval lies below zero', () => {
    const rate = (interval: [number, number]): string =>
      judgeChange({
        kind: 'rate',
        baseline: 100,
        current: 80,
        budget: 0.1,
        interval,
        needsInterval: true,
        fewSamples: false,
        floorMs: 1,
      });
    expect(rate([-0.3, -0.1])).toBe('regression');
    expect(rate([-0.3, 0.05])).toBe('within noise');
  });

  it('an error-rate interval is sound at zero errors on both sides', () => {
    const i = errorRateInterval({ errors: 0, requests: 500 }, { errors: 0, requests: 500 });
    expect(i?.[0]).toBeLessThan(0);
    expect(i?.[1]).toBeGreaterThan(0);
    const worse = errorRateInterval({ errors: 0, requests: 1000 }, { errors: 50, requests: 1000 });
    expect(worse?.[0]).toBeGreaterThan(0.01);
  });
});

describe('block bootstrap over seconds', () => {
  it('is reproducible: the same two runs give the same interval', () => {
    const a = latencyWindows(run(12, 50, 2, 6, 1).windows ?? []);
    const b = latencyWindows(run(12, 50, 2, 6, 2).windows ?? []);
    const once = ratioInterval(bootstrapRatios(a, b, [0.9])[0] as Float64Array, 0.99);
    const again = ratioInterval(bootstrapRatios(a, b, [0.9])[0] as Float64Array, 0.99);
    expect(again).toEqual(once);
  });

  it('seconds that disagree (a slow second now and then) widen the interval beyond the sample-count one', () => {
    const steady = latencyIntervals(run(12, 100, 2, 6, 1), run(12, 100, 2, 6, 2)).mean;
    const bursty = latencyIntervals(run(12, 100, 2, 6, 1, 4), run(12, 100, 2, 6, 2, 5)).mean;
    const width = (i: [number, number] | null): number => (i === null ? Infinity : i[1] - i[0]);
    expect(width(bursty)).toBeGreaterThan(2 * width(steady));
    // A burst of slow seconds in one run alone is not a regression: its interval holds zero.
    expect(bursty?.[0]).toBeLessThan(0);
  });

  it('groups a long run into at most 120 blocks', () => {
    const w = latencyWindows(run(300, 5, 2, 6, 3).windows ?? []);
    expect(w.blocks.length).toBeLessThanOrEqual(120);
    expect(w.blocks.reduce((n, b) => n + b.counts.reduce((x, y) => x + y, 0), 0)).toBe(1500);
  });
});
