import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  recordMs,
  summarizeHistogram,
} from './histogram.js';

describe('histogram', () => {
  it('reports percentiles of a known distribution within HDR precision', () => {
    const h = createHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMs(h, ms);
    const s = summarizeHistogram(h);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(Math.abs(s.p90 - 900)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.p99 - 990)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.p999 - 999)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.max - 1000)).toBeLessThanOrEqual(1);
    expect(s.mean).toBeCloseTo(500.5, 0);
  });

  it('summarizes an empty histogram as zeros', () => {
    expect(summarizeHistogram(createHistogram()).p99).toBe(0);
  });

  it('clamps values outside the trackable range instead of throwing', () => {
    const h = createHistogram();
    recordMs(h, -5);
    recordMs(h, 10 * 3_600_000);
    expect(h.totalCount).toBe(2);
  });

  it('round-trips through compressed base64 and merges exactly', () => {
    const a = createHistogram();
    const b = createHistogram();
    for (let i = 0; i < 500; i++) recordMs(a, 10 + (i % 7));
    for (let i = 0; i < 300; i++) recordMs(b, 200 + (i % 11));
    const decoded = decodeHistogram(encodeHistogram(a));
    expect(decoded.totalCount).toBe(500);
    expect(summarizeHistogram(decoded)).toEqual(summarizeHistogram(a));
    const merged = mergeHistograms([decodeHistogram(encodeHistogram(a)), decodeHistogram(encodeHistogram(b))]);
    const direct = createHistogram();
    direct.add(a);
    direct.add(b);
    expect(merged.totalCount).toBe(800);
    expect(summarizeHistogram(merged)).toEqual(summarizeHistogram(direct));
  });
});
