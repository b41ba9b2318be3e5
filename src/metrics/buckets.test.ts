import { describe, expect, it } from 'vitest';
import { addHistogram, cumulative, emptyBuckets } from './buckets.js';
import { createHistogram, recordMs } from './histogram.js';
import { LATENCY_BUCKETS_SECONDS } from './names.js';

describe('explicit buckets from HDR histograms', () => {
  it('puts each latency in the bucket a per-sample observe would, with count and sum', () => {
    const h = createHistogram();
    const samplesMs = [1, 3, 7, 20, 20, 60, 90, 200, 400, 900, 3000, 12_000];
    for (const ms of samplesMs) recordMs(h, ms);
    const b = emptyBuckets(LATENCY_BUCKETS_SECONDS);
    addHistogram(b, h);
    const expected = LATENCY_BUCKETS_SECONDS.map((le) => samplesMs.filter((ms) => ms / 1000 <= le).length);
    expect(cumulative(b)).toEqual(expected);
    expect(b.count).toBe(samplesMs.length);
    expect(b.counts.at(-1)).toBe(1); // 12 s is above the last bound: +Inf only
    expect(b.sumSeconds).toBeCloseTo(samplesMs.reduce((a, x) => a + x, 0) / 1000, 1);
  });

  it('accumulates across intervals and ignores empty ones', () => {
    const b = emptyBuckets([0.01, 0.1]);
    const a = createHistogram();
    for (let i = 0; i < 100; i++) recordMs(a, 5);
    addHistogram(b, a);
    addHistogram(b, createHistogram());
    a.reset();
    for (let i = 0; i < 50; i++) recordMs(a, 50);
    addHistogram(b, a);
    expect(b.counts).toEqual([100, 50, 0]);
    expect(cumulative(b)).toEqual([100, 150]);
    expect(b.count).toBe(150);
  });
});
