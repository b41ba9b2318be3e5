import { describe, expect, it } from 'vitest';
import { roundRate, type SearchSettings, searchCapacity, type StepVerdict } from './search.js';

const SETTINGS: SearchSettings = {
  start: 10,
  max: 100_000,
  precision: 0.05,
  factor: 2,
  maxDurationMs: Infinity,
  minRate: 1,
};

interface FakeStep {
  rate: number;
  verdict: StepVerdict;
}

/** A system that passes up to `limit`/s; each step "takes" 10 s of a fake clock. */
function fakeSystem(verdictOf: (rate: number) => StepVerdict) {
  let clock = 0;
  const rates: number[] = [];
  return {
    rates,
    env: { now: () => clock, stopped: () => false },
    runStep: async (rate: number): Promise<FakeStep> => {
      clock += 10_000;
      rates.push(rate);
      return { rate, verdict: verdictOf(rate) };
    },
  };
}

const limitAt =
  (limit: number) =>
  (rate: number): StepVerdict =>
    rate <= limit ? 'pass' : 'fail';

describe('searchCapacity', () => {
  it('climbs exponentially, then bisects to within the precision', async () => {
    const sys = fakeSystem(limitAt(400));
    const out = await searchCapacity(SETTINGS, sys.runStep, sys.env);
    expect(sys.rates.slice(0, 7)).toEqual([10, 20, 40, 80, 160, 320, 640]);
    expect(sys.rates.slice(7)).toEqual([480, 400, 440, 420]);
    expect(out.lastPass?.rate).toBe(400);
    expect(out.firstFail?.rate).toBe(420);
    expect((420 - 400) / 420).toBeLessThanOrEqual(0.05);
    expect(out.stoppedBy).toBe('precision');
    expect(out.generatorBound).toBe(false);
  });

  it('always brackets the true limit within the precision', async () => {
    for (const limit of [7, 33, 95, 380, 1234, 9999]) {
      const out = await searchCapacity(SETTINGS, fakeSystem(limitAt(limit)).runStep, fakeSystem(limitAt(limit)).env);
      const lo = out.lastPass?.rate ?? 0;
      const hi = out.firstFail?.rate ?? Infinity;
      expect(lo).toBeLessThanOrEqual(limit);
      expect(hi).toBeGreaterThan(limit);
      expect((hi - lo) / hi).toBeLessThanOrEqual(0.05 + 1e-9);
    }
  });

  it('steps down when the first rate already fails, then bisects', async () => {
    const sys = fakeSystem(limitAt(30));
    const out = await searchCapacity({ ...SETTINGS, start: 200 }, sys.runStep, sys.env);
    expect(sys.rates.slice(0, 4)).toEqual([200, 100, 50, 25]);
    expect(out.lastPass?.rate).toBeLessThanOrEqual(30);
    expect(out.firstFail?.rate).toBeGreaterThan(30);
  });

  it('gives up below the minimum rate when nothing passes', async () => {
    const sys = fakeSystem(() => 'fail');
    const out = await searchCapacity({ ...SETTINGS, start: 8 }, sys.runStep, sys.env);
    expect(sys.rates).toEqual([8, 4, 2, 1]);
    expect(out.lastPass).toBeUndefined();
    expect(out.stoppedBy).toBe('below-minimum');
  });

  it('stops at --max when every rate passes', async () => {
    const sys = fakeSystem(() => 'pass');
    const out = await searchCapacity({ ...SETTINGS, max: 100 }, sys.runStep, sys.env);
    expect(sys.rates).toEqual([10, 20, 40, 80, 100]);
    expect(out.stoppedBy).toBe('max');
    expect(out.firstFail).toBeUndefined();
  });

  it('stops after --max-duration, keeping the bracket found so far', async () => {
    const sys = fakeSystem(limitAt(400));
    const out = await searchCapacity({ ...SETTINGS, maxDurationMs: 75_000 }, sys.runStep, sys.env);
    expect(sys.rates).toEqual([10, 20, 40, 80, 160, 320, 640, 480]);
    expect(out.lastPass?.rate).toBe(320);
    expect(out.firstFail?.rate).toBe(480);
    expect(out.stoppedBy).toBe('max-duration');
  });

  it('reports a lower bound when the generator saturates before any SLO fails', async () => {
    const sys = fakeSystem((rate) => (rate >= 160 ? 'generator' : 'pass'));
    const out = await searchCapacity(SETTINGS, sys.runStep, sys.env);
    // A saturated step is held once more before it counts.
    expect(sys.rates.slice(-2)).toEqual([160, 160]);
    expect(out.generatorBound).toBe(true);
    expect(out.lastPass?.rate).toBe(80);
    expect(out.stoppedBy).toBe('generator');
  });

  it('keeps a healthy bracket when the generator saturates during bisection', async () => {
    const sys = fakeSystem((rate) => (rate === 480 ? 'generator' : limitAt(400)(rate)));
    const out = await searchCapacity(SETTINGS, sys.runStep, sys.env);
    expect(out.generatorBound).toBe(false);
    expect([out.lastPass?.rate, out.firstFail?.rate]).toEqual([320, 640]);
  });

  it('goes on when a saturated step holds on the second try', async () => {
    let first = true;
    const sys = fakeSystem((rate) => {
      if (rate === 160 && first) {
        first = false;
        return 'generator';
      }
      return limitAt(400)(rate);
    });
    const out = await searchCapacity(SETTINGS, sys.runStep, sys.env);
    expect(out.generatorBound).toBe(false);
    expect(out.lastPass?.rate).toBe(400);
  });

  it('stops at once when interrupted, keeping what was found', async () => {
    let stop = false;
    const sys = fakeSystem(limitAt(400));
    const runStep = async (rate: number): Promise<FakeStep> => {
      const step = await sys.runStep(rate);
      if (rate === 80) stop = true;
      return step;
    };
    const out = await searchCapacity(SETTINGS, runStep, { now: sys.env.now, stopped: () => stop });
    expect(sys.rates).toEqual([10, 20, 40, 80]);
    expect(out.lastPass?.rate).toBe(80);
    expect(out.stoppedBy).toBe('interrupted');
  });

  it('climbs past rates with too few samples, but does not bisect on them', async () => {
    const sys = fakeSystem((rate) => (rate < 40 ? 'insufficient' : limitAt(100)(rate)));
    const out = await searchCapacity(SETTINGS, sys.runStep, sys.env);
    expect(sys.rates.slice(0, 5)).toEqual([10, 20, 40, 80, 160]);
    expect(out.lastPass?.rate).toBeLessThanOrEqual(100);
  });

  it('rounds rates to whole numbers from 20/s, tenths below', () => {
    expect([roundRate(456.7), roundRate(12.34), roundRate(0.55)]).toEqual([457, 12.3, 0.6]);
  });
});
