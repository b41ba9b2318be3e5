import { describe, expect, it } from 'vitest';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import { type MetricSource, checkScopes, compare, evaluateSlos, slosToAbort } from './evaluate.js';
import { type SloSpec, parseThreshold } from './parse.js';

const metrics = (overrides: Partial<ScopeMetrics> = {}): ScopeMetrics => ({
  requests: 1000,
  rps: 100,
  errors: 10,
  errorRate: 0.01,
  dropped: 0,
  latencyMs: { p50: 20, p90: 80, p95: 200, p99: 400, p999: 900, max: 1200, mean: 35 },
  ...overrides,
});

const spec = (expr: string, opts: Partial<Pick<SloSpec, 'abortOnFail' | 'graceMs' | 'minSamples'>> = {}): SloSpec => ({
  ...parseThreshold(expr),
  abortOnFail: false,
  graceMs: 0,
  minSamples: 0,
  ...opts,
});

const source: MetricSource = {
  global: metrics(),
  scopes: {
    request: { 'create-user': metrics({ requests: 12, latencyMs: { ...metrics().latencyMs, p95: 300 } }) },
    flow: { checkout: metrics({ requests: 0, rps: 0, errors: 0, errorRate: 0 }) },
  },
};

const one = (expr: string, opts?: Parameters<typeof spec>[1], src: MetricSource = source) => {
  const [verdict] = evaluateSlos([spec(expr, opts)], src);
  if (verdict === undefined) throw new Error('no verdict');
  return verdict;
};

describe('compare', () => {
  it.each([
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '<=', 2, false],
    [3, '>', 2, true],
    [2, '>', 2, false],
    [2, '>=', 2, true],
    [1, '>=', 2, false],
    [2, '=', 2, true],
    [2.0001, '=', 2, false],
  ] as const)('%f %s %f is %s', (value, op, threshold, expected) => {
    expect(compare(value, op, threshold)).toBe(expected);
  });
});

describe('evaluateSlos', () => {
  it('reports a full verdict for a global SLO', () => {
    expect(one('p95<250')).toEqual({
      expr: 'p95 < 250ms',
      metric: 'p95',
      op: '<',
      threshold: 250,
      value: 200,
      unit: 'ms',
      samples: 1000,
      pass: true,
    });
  });

  it('distinguishes < from <= exactly at the boundary', () => {
    expect(one('p95 < 200ms').pass).toBe(false);
    expect(one('p95 <= 200ms').pass).toBe(true);
    expect(one('p95 < 0.2s').pass).toBe(false);
    expect(one('error_rate < 1%').pass).toBe(false);
    expect(one('error_rate <= 1%').pass).toBe(true);
    expect(one('rps > 100').pass).toBe(false);
    expect(one('rps >= 100').pass).toBe(true);
    expect(one('errors = 10').pass).toBe(true);
    expect(one('dropped == 0').pass).toBe(true);
  });

  it('reads every catalogue metric from the right field', () => {
    const pairs: [string, number][] = [
      ['p50 < 1000', 20],
      ['p90 < 1000', 80],
      ['p99 < 1000', 400],
      ['p99.9 < 1000', 900],
      ['max < 2000', 1200],
      ['avg < 1000', 35],
      ['error_rate < 0.5', 0.01],
      ['requests > 1', 1000],
      ['errors < 100', 10],
    ];
    for (const [expr, value] of pairs) expect(one(expr)).toMatchObject({ value, pass: true });
  });

  it('evaluates scoped SLOs against their scope', () => {
    expect(one('create-user: p95 < 300ms')).toMatchObject({
      expr: 'create-user: p95 < 300ms',
      scope: { kind: 'request', name: 'create-user' },
      value: 300,
      samples: 12,
      pass: false,
    });
    expect(one('request:create-user p95 <= 300ms').pass).toBe(true);
  });

  it('fails with a reason, not a value, when there are fewer samples than minSamples', () => {
    const verdict = one('create-user: p95 < 1s', { minSamples: 100 });
    expect(verdict).toMatchObject({ value: null, samples: 12, pass: false, reason: 'only 12 samples, 100 required' });
    expect(one('create-user: p95 < 1s', { minSamples: 12 })).toMatchObject({ value: 300, pass: true });
    expect(one('create-user: p95 < 1s', { minSamples: 13 }).reason).toBe('only 12 samples, 13 required');
  });

  it('never passes a latency or ratio SLO on an empty scope, even with minSamples 0', () => {
    expect(one('flow:checkout p95 < 800ms')).toMatchObject({
      value: null,
      samples: 0,
      pass: false,
      reason: 'no samples, 1 required',
    });
    expect(one('flow:checkout error_rate < 1%').pass).toBe(false);
    // Counts are real measurements at zero: "no errors" holds, "enough requests" does not.
    expect(one('flow:checkout errors = 0')).toMatchObject({ value: 0, pass: true });
    expect(one('flow:checkout requests >= 1')).toMatchObject({ value: 0, pass: false });
  });

  it('fails with a reason when the scope is not in the run', () => {
    expect(one('flow:payment p95 < 1s')).toMatchObject({
      value: null,
      samples: 0,
      pass: false,
      reason: 'no scope flow:payment in this run',
    });
    expect(one('service:orders p95 < 1s').reason).toBe('no scope service:orders in this run');
    expect(one('constructor: p95 < 1s').reason).toBe('no scope request:constructor in this run');
  });

  it('keeps the order of the specs and is pure', () => {
    const specs = [spec('p95 < 100'), spec('p95 < 300'), spec('errors < 100')];
    const first = evaluateSlos(specs, source);
    expect(first.map((v) => v.pass)).toEqual([false, true, true]);
    expect(evaluateSlos(specs, source)).toEqual(first);
  });
});

describe('slosToAbort', () => {
  const failing = spec('p95 < 100ms', { abortOnFail: true, graceMs: 10_000 });
  const passing = spec('p95 < 300ms', { abortOnFail: true });
  const noAbort = spec('p99 < 100ms');

  it('returns failing abortOnFail SLOs once their grace period is over', () => {
    expect(slosToAbort([failing, passing, noAbort], source, 9_999)).toEqual([]);
    const due = slosToAbort([failing, passing, noAbort], source, 10_000);
    expect(due.map((v) => v.expr)).toEqual(['p95 < 100ms']);
  });

  it('ignores SLOs without abortOnFail even when they fail', () => {
    expect(slosToAbort([noAbort], source, 60_000)).toEqual([]);
  });

  it('does not abort while there are too few samples to judge', () => {
    const early = spec('create-user: p95 < 100ms', { abortOnFail: true, minSamples: 100 });
    expect(slosToAbort([early], source, 60_000)).toEqual([]);
    const enough = spec('create-user: p95 < 100ms', { abortOnFail: true, minSamples: 10 });
    expect(slosToAbort([enough], source, 60_000)).toHaveLength(1);
  });
});

describe('checkScopes', () => {
  const known = { request: ['create-user', 'list-users'], flow: ['checkout'] };

  it('accepts global SLOs and scopes that exist', () => {
    const slos = ['p95 < 1s', 'create-user: p95 < 1s', 'flow:checkout p95 < 1s'].map(parseThreshold);
    expect(checkScopes(slos, known)).toEqual([]);
  });

  it('names the unknown scope and lists the known ones', () => {
    expect(checkScopes([parseThreshold('creat-user: p95 < 300ms')], known)).toEqual([
      {
        index: 0,
        message: 'slo "creat-user: p95 < 300ms": no request named "creat-user" (known: create-user, list-users)',
      },
    ]);
  });

  it('says when the run has no scopes of that kind', () => {
    const slos = ['service:orders p95 < 1s', 'queue:q errors = 0'].map(parseThreshold);
    expect(checkScopes(slos, known).map((p) => [p.index, p.message])).toEqual([
      [0, 'slo "service:orders p95 < 1s": no service named "orders" (this run has no services)'],
      [1, 'slo "queue:q errors = 0": no queue named "q" (this run has no queues)'],
    ]);
  });

  it('does not resolve names through the prototype chain', () => {
    expect(checkScopes([parseThreshold('toString: p95 < 1s')], { request: [] })).toHaveLength(1);
  });
});
