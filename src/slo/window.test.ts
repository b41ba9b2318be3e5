import { describe, expect, it } from 'vitest';
import { createHistogram, recordMs } from '../metrics/histogram.js';
import { evaluateSlos, type MetricSource } from './evaluate.js';
import { formatThreshold, parseThreshold, type SloSpec, SloSyntaxError } from './parse.js';
import type { SecondFigures } from './window-evaluate.js';

const spec = (expr: string, minSamples = 0): SloSpec => ({
  ...parseThreshold(expr),
  abortOnFail: false,
  graceMs: 0,
  minSamples,
});

/** `n` seconds of 100 requests each; `slow(t)` gives how many of second t (1-based) take 300 ms, the rest 5 ms. */
function seconds(n: number, slow: (t: number) => number, errors: (t: number) => number = () => 0): SecondFigures[] {
  return Array.from({ length: n }, (_, i) => {
    const latency = createHistogram();
    const s = slow(i + 1);
    for (let k = 0; k < 100; k++) recordMs(latency, k < s ? 300 : 5);
    return { requests: 100, errors: errors(i + 1), dropped: 0, latency };
  });
}

const source = (secs: SecondFigures[]): MetricSource => {
  const whole = createHistogram();
  for (const s of secs) if (s.latency) whole.add(s.latency);
  const requests = secs.reduce((a, s) => a + s.requests, 0);
  const errors = secs.reduce((a, s) => a + s.errors, 0);
  const p = (q: number): number => whole.getValueAtPercentile(q) / 1000;
  return {
    global: {
      requests,
      rps: requests / secs.length,
      errors,
      errorRate: errors / requests,
      dropped: 0,
      latencyMs: {
        p50: p(50),
        p90: p(90),
        p95: p(95),
        p99: p(99),
        p999: p(99.9),
        max: p(100),
        mean: whole.mean / 1000,
      },
    },
    scopes: {},
    seconds: secs,
  };
};

describe('window clause: parse and format', () => {
  it('parses "over" and "burn … over" and formats them back', () => {
    expect(parseThreshold('p95 < 200ms over 30s').window).toEqual({ ms: 30_000 });
    expect(parseThreshold('error_rate < 1% burn 14.4x over 5m').window).toEqual({ ms: 300_000, burn: 14.4 });
    expect(formatThreshold(parseThreshold('error_rate<1% burn 14.4x over 300s'))).toBe(
      'error_rate < 1% burn 14.4x over 5m',
    );
    expect(formatThreshold(parseThreshold('p95 < 0.2s over 1m30s'))).toBe('p95 < 200ms over 90s');
    expect(parseThreshold('p95 < 200ms').window).toBeUndefined();
  });

  it.each([
    ['p95 < 200ms over soon', 'not a duration'],
    ['p95 < 200ms over 1500ms', 'whole seconds'],
    ['p95 < 200ms burn 2x over 1m', 'needs an error budget'],
    ['error_rate > 1% burn 2x over 1m', 'needs an error budget'],
    ['create-user: p95 < 200ms over 10s', 'drop the scope'],
    ['e2e_p99 < 200ms over 10s', 'no per-second series'],
    ['p95 < 200ms over', 'malformed window'],
    ['error_rate < 1% burn -2x over 1m', 'positive multiple'],
  ])('rejects %s', (expr, message) => {
    expect(() => parseThreshold(expr)).toThrow(SloSyntaxError);
    expect(() => parseThreshold(expr)).toThrow(message);
  });
});

describe('windowed SLOs: every window must hold', () => {
  // 60 s; seconds 21–30 have 20 % slow requests: 3.3 % of the run, so the whole-run p95 is fast.
  const run = seconds(60, (t) => (t >= 21 && t <= 30 ? 20 : 0));

  it('fails the window that holds the slow seconds while the whole-run p95 passes', () => {
    const [whole, windowed] = evaluateSlos([spec('p95 < 100ms'), spec('p95 < 100ms over 10s')], source(run));
    expect(whole?.pass).toBe(true);
    expect(windowed?.pass).toBe(false);
    expect(windowed?.value).toBeCloseTo(300, 0);
    // p95 saturates at 300 ms once 6 % of a window is slow: the first window to reach it is reported.
    expect(windowed?.worstWindow).toEqual({ from: 14, to: 23 });
    expect(windowed?.reason).toContain('worst 10 s window 14–23 s; 51 windows judged');
  });

  it('passes when every window holds, and reports the worst of them', () => {
    const [v] = evaluateSlos([spec('p95 < 400ms over 10s')], source(run));
    expect(v?.pass).toBe(true);
    expect(v?.value).toBeCloseTo(300, 0);
  });

  it('judges a run shorter than the window as one window, and says so', () => {
    const [v] = evaluateSlos([spec('p95 < 100ms over 5m')], source(run));
    expect(v?.pass).toBe(true);
    expect(v?.reason).toContain('shorter than the window: judged as one window of 60 s');
  });

  it('skips windows with too few samples, and has no value when none has enough', () => {
    const [v] = evaluateSlos([spec('p95 < 100ms over 10s', 5000)], source(run));
    expect(v?.value).toBeNull();
    expect(v?.pass).toBe(false);
    expect(v?.reason).toContain('no 10 s window had 5000 samples');
  });

  it('says so when the per-second histograms were not kept', () => {
    const bare = run.map((s) => ({ ...s, latency: undefined }));
    const [v] = evaluateSlos([spec('p95 < 100ms over 10s')], { ...source(run), seconds: bare });
    expect(v?.reason).toBe('no per-second histograms in this result');
  });
});

describe('burn rate: the error budget may not burn faster than N× in any window', () => {
  // 60 s, 5 % errors during seconds 31–50 (20 s): 1.67 % over the whole run.
  const run = seconds(
    60,
    () => 0,
    (t) => (t >= 31 && t <= 50 ? 5 : 0),
  );

  it('fails when a window burns the budget too fast, while the whole-run error rate is under the burn limit', () => {
    // Budget 0.1 % (99.9 %), 14.4× → 1.44 %: a 20 s window of 5 % errors burns 50×.
    const [fast, slow] = evaluateSlos(
      [spec('error_rate < 0.1% burn 14.4x over 20s'), spec('error_rate < 1% burn 14.4x over 20s')],
      source(run),
    );
    expect(fast?.pass).toBe(false);
    expect(fast?.value).toBeCloseTo(0.05, 5);
    expect(fast?.worstWindow).toEqual({ from: 31, to: 50 });
    expect(fast?.reason).toContain('burn 50x (limit 14.4x)');
    // Budget 1 %, 14.4× → 14.4 %: 5 % errors burn only 5×.
    expect(slow?.pass).toBe(true);
  });

  it('averages the burst over a longer window', () => {
    // 60 s window = whole run: 1.67 % > 1.44 % still fails; at a 2 % budget (limit 28.8 %) it passes.
    const [a, b] = evaluateSlos(
      [spec('error_rate < 0.1% burn 14.4x over 1m'), spec('error_rate < 2% burn 14.4x over 1m')],
      source(run),
    );
    expect(a?.pass).toBe(false);
    expect(a?.value).toBeCloseTo(100 / 6000, 5);
    expect(b?.pass).toBe(true);
  });

  it('compares against budget × burn while the run is live (no seconds yet)', () => {
    const live = { ...source(run), seconds: undefined };
    const [v] = evaluateSlos([spec('error_rate < 1% burn 2x over 1m')], live);
    expect(v?.pass).toBe(true); // 1.67 % < 2 %
  });
});
