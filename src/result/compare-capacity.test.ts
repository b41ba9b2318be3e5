import { describe, expect, it } from 'vitest';
import { RunAggregator } from '../metrics/run-aggregator.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { compareResults, parseBudget } from './compare.js';
import { buildResult, type RunResult } from './run-result.js';

/** A small request result (100 requests) carrying a capacity section. */
function capacityResult(rate: number | null, atLeast = false, top = rate === null ? null : rate * 1.04): RunResult {
  const recorder = new IntervalRecorder(['r']);
  for (let i = 1; i <= 100; i++) recorder.request(0, i % 10, undefined, 200);
  const aggregator = new RunAggregator(['r']);
  recorder.flush(1000, (interval) => aggregator.add(interval));
  const facts = {
    runId: 'x',
    version: '0',
    scenario: 's',
    target: 't',
    model: 'open' as const,
    startedAt: new Date(0),
    interrupted: false,
    abortedBy: null,
  };
  const generator = {
    saturated: false,
    reasons: [],
    eventLoopDelayP99Ms: 0,
    eventLoopDelayMaxMs: 0,
    cpuPercent: 0,
    sendDelayP99Ms: 0,
  };
  const result = buildResult(facts, aggregator, [], generator);
  return { ...result, capacity: { rate, unit: 'requests/s', atLeast, bracket: [rate, top] } } as RunResult;
}

const capacityRows = (a: RunResult, b: RunResult, overrides = new Map()) =>
  compareResults(a, b, overrides).filter((r) => r.metric === 'capacity');

describe('compare: two capacity results', () => {
  it('counts a fall beyond the budget (default 10 %) as a regression', () => {
    const [row] = capacityRows(capacityResult(400), capacityResult(350));
    expect(row).toMatchObject({ scope: 'capacity', baseline: 400, current: 350, budget: 0.1, regression: true });
    expect(row?.verdict).toBe('regression');
    expect(row?.relative).toBeCloseTo(-0.125, 5);
    expect(capacityRows(capacityResult(400), capacityResult(370))[0]?.regression).toBe(false);
    expect(capacityRows(capacityResult(400), capacityResult(500))[0]?.regression).toBe(false);
  });

  it('does not count a fall the brackets cannot tell from the search precision', () => {
    // 400 in [400, 440] against 352 in [352, 410]: the true capacities may be equal.
    const row = capacityRows(capacityResult(400, false, 440), capacityResult(352, false, 410))[0];
    expect(row).toMatchObject({ regression: false, verdict: 'within noise' });
  });

  it('takes --max-regression capacity=N%', () => {
    const budget = new Map([parseBudget('capacity=5%')]);
    expect(capacityRows(capacityResult(400), capacityResult(370), budget)[0]).toMatchObject({
      budget: 0.05,
      regression: true,
    });
  });

  it('shows but does not gate a lower bound or a search that found nothing', () => {
    const bound = capacityRows(capacityResult(400), capacityResult(100, true))[0];
    expect(bound).toMatchObject({ regression: false, note: 'a lower bound on one side: not gated' });
    expect(capacityRows(capacityResult(400), capacityResult(null))[0]?.regression).toBe(false);
  });

  it('gates a baseline lower bound against a measured capacity whose bracket lies below it', () => {
    // At least 400 (the generator was the limit) against 200 in [200, 208]: a certain fall of at least 48 %.
    const fall = capacityRows(capacityResult(400, true, null), capacityResult(200))[0];
    expect(fall).toMatchObject({ regression: true, verdict: 'regression' });
    expect(fall?.interval?.[1]).toBeCloseTo(-0.48, 5);
    // At least 400 against 390 in [390, 406]: the current may be above the baseline's true capacity; not a fall.
    expect(capacityRows(capacityResult(400, true, null), capacityResult(390))[0]?.regression).toBe(false);
    // The other way round, a current lower bound says nothing of a fall.
    expect(capacityRows(capacityResult(400), capacityResult(200, true, null))[0]?.regression).toBe(false);
  });

  it('adds no capacity row to ordinary runs', () => {
    const { capacity: _c, ...plain } = capacityResult(400) as RunResult & { capacity: unknown };
    expect(capacityRows(plain as RunResult, capacityResult(400))).toEqual([]);
  });
});
