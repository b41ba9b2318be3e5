import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  meanOf,
  mergeHistograms,
  percentilesMs,
  recordedValues,
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

describe('one-pass bucket walks', () => {
  // The library's iterator-based figures, which the one-pass walks must reproduce exactly.
  const iterated = (h: Histogram): [number, number][] => {
    if (!(h instanceof hdr.JsHistogram)) throw new TypeError('JS histogram expected');
    const out: [number, number][] = [];
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      out.push([v.valueIteratedTo, v.countAtValueIteratedTo]);
    }
    return out;
  };

  it('gives the same recorded values and the same mean as hdr-histogram-js, empty, one value and spread out', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const cases: Histogram[] = [createHistogram(), createHistogram(), createHistogram()];
    recordMs(cases[1] as Histogram, 12.5);
    for (let i = 0; i < 50_000; i++) recordMs(cases[2] as Histogram, 0.02 + random() ** 6 * 3000);
    recordMs(cases[2] as Histogram, 3_600_000); // the top of the range
    for (const h of cases) {
      expect(recordedValues(h)).toEqual(iterated(h));
      expect(meanOf(h)).toBe(h.mean);
    }
    expect(recordedValues(cases[2] as Histogram).reduce((n, [, c]) => n + c, 0)).toBe(50_001);
  });
});

describe('the one-pass summary', () => {
  it('matches getValueAtPercentile and mean of hdr-histogram-js for every figure', () => {
    let seed = 11;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const library = (h: Histogram) => {
      const at = (p: number): number => Math.round((h.getValueAtPercentile(p) / 1000) * 1000) / 1000;
      const mean = Math.round((h.mean / 1000) * 1000) / 1000;
      return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: at(100), mean };
    };
    for (const n of [1, 2, 3, 7, 10, 99, 100, 101, 999, 1000, 1001, 12_345, 100_000]) {
      const h = createHistogram();
      for (let i = 0; i < n; i++) recordMs(h, 0.01 + random() ** 5 * 5000);
      expect(summarizeHistogram(h), `n = ${n}`).toEqual(library(h));
      expect(percentilesMs(h, [50, 99]), `n = ${n}`).toEqual([library(h).p50, library(h).p99]);
    }
    const same = createHistogram();
    for (let i = 0; i < 1000; i++) recordMs(same, 4.2);
    expect(summarizeHistogram(same)).toEqual(library(same));
  });
});
