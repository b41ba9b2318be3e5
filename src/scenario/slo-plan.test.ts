import { describe, expect, it } from 'vitest';
import { planSlos } from './slo-plan.js';

describe('planSlos', () => {
  it('applies the default budget, marked default, only when the scenario has no slos key', () => {
    const { slos, problems } = planSlos(undefined, { request: ['a'] }, false);
    expect(problems).toEqual([]);
    expect(slos.map((s) => [s.expr, s.default])).toEqual([
      ['p95 < 200ms', true],
      ['error_rate < 1%', true],
    ]);
    expect(planSlos([], {}, false).slos).toEqual([]);
  });

  it('reports each problem with the index of its own SLO, parse errors and scope errors alike', () => {
    const entries = ['p95 < 1s', 'p96 < 1s', 'nope: p95 < 1s', 'lost = 0'];
    const { slos, problems } = planSlos(entries, { request: ['a'] }, false);
    expect(slos).toHaveLength(3);
    expect(problems.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(problems[2]?.message).toMatch(/lost is measured on event runs only/);
  });

  it('accepts event metrics on an event run', () => {
    expect(planSlos(['lost = 0'], { queue: ['q'] }, true).problems).toEqual([]);
  });
});
