import { describe, expect, it } from 'vitest';
import { createHistogram, recordMs } from '../metrics/histogram.js';
import type { LiveUpdate } from '../reporters/reporter.js';
import type { RunResult } from '../result/run-result.js';
import { parseThreshold, type SloSpec } from '../slo/parse.js';
import { ALL_FAILED, DROPPED, judgeStep, LAG_GROWTH, type StepJudgeInput } from './step.js';
import { StepProbe } from './step-probe.js';

const spec = (expr: string): SloSpec => ({ ...parseThreshold(expr), abortOnFail: false, graceMs: 0, minSamples: 0 });

/** A probe fed `seconds` one-second intervals of `perSecond` requests at `ms` each, after one warm-up second. */
function probe(seconds: number, perSecond: number, ms: number, dropped = 0): StepProbe {
  const p = new StepProbe(1000);
  for (let t = 1; t <= seconds + 1; t++) {
    const latency = createHistogram();
    for (let i = 0; i < perSecond; i++) recordMs(latency, t === 1 ? 5000 : ms);
    const total = { requests: perSecond, errors: 0, dropped: t === 1 ? 0 : dropped, latency };
    p.onInterval({ elapsedMs: t * 1000, interval: { total } } as unknown as LiveUpdate);
  }
  return p;
}

interface Generator {
  saturated: boolean;
  sendDelayP99Ms: number;
  eventLoopDelayP99Ms: number;
}

const result = (generator: Generator, extra: Partial<RunResult> = {}): RunResult =>
  ({
    interrupted: false,
    slos: [],
    durationMs: 4000,
    generator: { reasons: generator.saturated ? ['event-loop delay p99 30 ms > 20 ms'] : [], ...generator },
    ...extra,
  }) as unknown as RunResult;

const HEALTHY = { saturated: false, sendDelayP99Ms: 1, eventLoopDelayP99Ms: 2 };
const LATE = { saturated: true, sendDelayP99Ms: 30, eventLoopDelayP99Ms: 30 };

const input = (p: StepProbe, r: RunResult, slos = [spec('p95 < 100ms')]): StepJudgeInput => ({
  rate: 100,
  slos,
  probe: p,
  result: r,
  warmupMs: 1000,
  stepDurationMs: 3000,
  lagTolerance: 0.02,
});

describe('judgeStep', () => {
  it('judges only the seconds after the warm-up', () => {
    const step = judgeStep(input(probe(3, 100, 20), result(HEALTHY)));
    expect(step).toMatchObject({ verdict: 'pass', requests: 300, achievedRate: 100, failed: [] });
    expect(step.latencyMs.p95).toBeCloseTo(20, 0);
  });

  it('fails on an SLO, naming it', () => {
    const step = judgeStep(input(probe(3, 100, 150), result(HEALTHY)));
    expect(step).toMatchObject({ verdict: 'fail', failed: ['p95 < 100ms'] });
  });

  it('keeps a pass measured by a late generator (latency counts from the intended start)', () => {
    expect(judgeStep(input(probe(3, 100, 20), result(LATE))).verdict).toBe('pass');
  });

  it("calls a failure the generator's when its lateness could explain it, the target's when it cannot", () => {
    expect(judgeStep(input(probe(3, 100, 110), result(LATE))).verdict).toBe('generator');
    expect(judgeStep(input(probe(3, 100, 400), result(LATE))).verdict).toBe('fail');
  });

  it("calls an undelivered rate under a saturated generator the generator's", () => {
    expect(judgeStep(input(probe(3, 50, 20), result(LATE))).verdict).toBe('generator');
  });

  it('fails dropped starts, unless the generator was saturated', () => {
    expect(judgeStep(input(probe(3, 100, 20, 5), result(HEALTHY))).failed).toEqual([DROPPED]);
    expect(judgeStep(input(probe(3, 100, 20, 5), result(LATE))).verdict).toBe('generator');
  });

  it('fails growing lag (warm-up end against publish end, with a tolerance)', () => {
    const lag = (series: [number, number][]) =>
      result(HEALTHY, {
        events: {
          rates: { acked: 100 },
          lag: { series: series.map(([t, l]) => ({ t, lag: l, backlog: 0, timeLagMs: 0 })) },
        },
      } as unknown as Partial<RunResult>);
    const growing = judgeStep(
      input(
        probe(3, 100, 5),
        lag([
          [1, 20],
          [2, 60],
          [3, 100],
          [4, 140],
          [5, 0],
        ]),
        [],
      ),
    );
    expect(growing).toMatchObject({
      verdict: 'fail',
      failed: [LAG_GROWTH],
      lag: { start: 20, end: 140, growing: true },
    });
    // Within tolerance (max(10, 2 % of 300)), and the drain (t = 5) is not the end of publishing.
    const steady = judgeStep(
      input(
        probe(3, 100, 5),
        lag([
          [1, 20],
          [2, 25],
          [3, 22],
          [4, 28],
          [5, 500],
        ]),
        [],
      ),
    );
    expect(steady).toMatchObject({ verdict: 'pass', lag: { start: 20, end: 28, growing: false } });
  });

  it('fails a step where every request failed, whatever the latency SLOs say', () => {
    const p = probe(3, 100, 20);
    p.errors = p.requests;
    expect(judgeStep(input(p, result(HEALTHY)))).toMatchObject({ verdict: 'fail', failed: [ALL_FAILED] });
  });

  it('judges a windowed SLO over the held seconds only', () => {
    const p = probe(3, 100, 20);
    const step = judgeStep(input(p, result(HEALTHY), [spec('p95 < 100ms over 2s')]));
    expect(step.verdict).toBe('pass');
    // The 5 s warm-up second is not in any window: two 2 s windows over the three held seconds.
    expect(step.slos[0]?.reason).toBe('worst 2 s window 1–2 s; 2 windows judged');
  });

  it('judges a burn-rate SLO over the held seconds only, naming it when it fails', () => {
    /** One warm-up second with 50 errors of 100, then six held seconds of 100 requests, errors by second. */
    const withErrors = (held: number[]): StepProbe => {
      const p = new StepProbe(1000);
      [50, ...held].forEach((errors, i) => {
        const latency = createHistogram();
        for (let k = 0; k < 100; k++) recordMs(latency, 20);
        p.onInterval({
          elapsedMs: (i + 1) * 1000,
          interval: { total: { requests: 100, errors, dropped: 0, latency } },
        } as unknown as LiveUpdate);
      });
      return p;
    };
    const burn = [spec('error_rate < 0.1% burn 14.4x over 2s')];
    // The warm-up's errors burn nothing: no held second has an error.
    expect(judgeStep(input(withErrors([0, 0, 0, 0, 0, 0]), result(HEALTHY), burn)).verdict).toBe('pass');
    // 5 errors in one held second: 2.5 % over its 2 s windows, a burn of 25x against 14.4x.
    const step = judgeStep(input(withErrors([0, 0, 5, 0, 0, 0]), result(HEALTHY), burn));
    expect(step).toMatchObject({ verdict: 'fail', failed: ['error_rate < 0.1% burn 14.4x over 2s'] });
    expect(step.slos[0]?.reason).toMatch(/burn 25(\.0)?x \(limit 14\.4x\)/);
  });

  it('is insufficient when an SLO lacks samples', () => {
    const few = { ...spec('p95 < 100ms'), minSamples: 1000 };
    expect(judgeStep(input(probe(3, 100, 20), result(HEALTHY), [few])).verdict).toBe('insufficient');
  });
});
