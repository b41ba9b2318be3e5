import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { SLO_METRICS, SloSyntaxError, type Threshold, formatThreshold, parseThreshold } from './parse.js';

/** The parse result without the echo of the input, for comparing two spellings of the same SLO. */
const meaning = (t: Threshold): Omit<Threshold, 'expr'> => {
  const { expr: _expr, ...rest } = t;
  return rest;
};

const errorOf = (expr: string): SloSyntaxError => {
  try {
    parseThreshold(expr);
  } catch (err) {
    if (err instanceof SloSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected "${expr}" to be rejected`);
};

describe('parseThreshold: metrics', () => {
  it.each(['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'] as const)('parses latency metric %s in ms', (m) => {
    const expected = { expr: `${m} < 250ms`, metric: m, op: '<', value: 250, unit: 'ms' };
    expect(parseThreshold(`${m} < 250ms`)).toEqual(expected);
  });

  it('maps aliases to canonical metrics', () => {
    expect(parseThreshold('p99.9 < 2s').metric).toBe('p999');
    expect(parseThreshold('avg <= 40').metric).toBe('mean');
  });

  it('parses ratio, rate and count metrics', () => {
    const ratio = { metric: 'error_rate', op: '<', value: 0.01, unit: 'ratio' };
    expect(meaning(parseThreshold('error_rate < 1%'))).toEqual(ratio);
    expect(meaning(parseThreshold('rps >= 500'))).toEqual({ metric: 'rps', op: '>=', value: 500, unit: 'rps' });
    const count = { metric: 'requests', op: '>', value: 1000, unit: 'count' };
    expect(meaning(parseThreshold('requests > 1000'))).toEqual(count);
    expect(parseThreshold('errors = 0')).toMatchObject({ metric: 'errors', op: '=', value: 0, unit: 'count' });
    expect(parseThreshold('dropped == 0')).toMatchObject({ metric: 'dropped', op: '=', value: 0, unit: 'count' });
  });

  it('has a catalogue whose readers pull the right field', () => {
    const m = {
      requests: 10,
      rps: 5,
      errors: 2,
      errorRate: 0.2,
      dropped: 3,
      latencyMs: { p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, mean: 7 },
    };
    const read = Object.fromEntries(Object.entries(SLO_METRICS).map(([k, d]) => [k, d.read(m)]));
    expect(read).toEqual({
      p50: 1,
      p90: 2,
      p95: 3,
      p99: 4,
      p999: 5,
      max: 6,
      mean: 7,
      error_rate: 0.2,
      rps: 5,
      requests: 10,
      errors: 2,
      dropped: 3,
    });
  });
});

describe('parseThreshold: operators and whitespace', () => {
  it.each([
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
    ['=', '='],
    ['==', '='],
  ] as const)('reads operator %s as %s', (written, op) => {
    expect(parseThreshold(`p95 ${written} 200ms`).op).toBe(op);
  });

  it('accepts missing or extra whitespace', () => {
    const canonical = meaning(parseThreshold('p95 < 200ms'));
    for (const text of ['p95<200ms', 'p95 <200ms', 'p95< 200ms', '  p95   <   200 ms  ', '\tp95\t<\t200ms\n']) {
      expect(meaning(parseThreshold(text))).toEqual(canonical);
    }
  });

  it('keeps the original text, trimmed, as expr', () => {
    expect(parseThreshold('  p95<200ms ').expr).toBe('p95<200ms');
  });
});

describe('parseThreshold: units and numbers', () => {
  it.each([
    ['p95 < 200', 200],
    ['p95 < 200ms', 200],
    ['p95 < 1.5s', 1500],
    ['p95 < 0.2s', 200],
    ['p95 < 500us', 0.5],
    ['p95 < 250 us', 0.25],
    ['p95 < .5ms', 0.5],
    ['p95 < 1e3ms', 1000],
  ])('normalises latency %s to %f ms', (text, ms) => {
    expect(parseThreshold(text).value).toBe(ms);
  });

  it.each([
    ['error_rate < 1%', 0.01],
    ['error_rate < 0.1%', 0.001],
    ['error_rate < 0.07%', 0.0007],
    ['error_rate < 100%', 1],
    ['error_rate < 0.05', 0.05],
    ['error_rate <= 0.999', 0.999],
    ['error_rate = 0', 0],
  ])('normalises ratio %s to the fraction %f', (text, fraction) => {
    expect(parseThreshold(text).value).toBe(fraction);
  });

  it('accepts an explicit plus sign and zero', () => {
    expect(parseThreshold('p99 < +300').value).toBe(300);
    expect(parseThreshold('errors <= 0').value).toBe(0);
  });
});

describe('parseThreshold: scopes', () => {
  it.each(['request', 'flow', 'step', 'service', 'queue'] as const)('parses the %s:name form', (kind) => {
    expect(parseThreshold(`${kind}:some-name p95 < 800ms`).scope).toEqual({ kind, name: 'some-name' });
  });

  it('parses the short request form "name: metric"', () => {
    const t = parseThreshold('create-user: p95 < 300ms');
    expect(t).toEqual({
      expr: 'create-user: p95 < 300ms',
      scope: { kind: 'request', name: 'create-user' },
      metric: 'p95',
      op: '<',
      value: 300,
      unit: 'ms',
    });
  });

  it('treats "request:name" and "name:" as the same scope', () => {
    expect(meaning(parseThreshold('request:create-user p95<300'))).toEqual(
      meaning(parseThreshold('create-user:   p95<300')),
    );
  });

  it('allows letters, digits, -, _, . and / in names', () => {
    expect(parseThreshold('service:orders-v2.eu_west/api error_rate < 1%').scope).toEqual({
      kind: 'service',
      name: 'orders-v2.eu_west/api',
    });
    expect(parseThreshold('GET_/users/1: p99 < 1s').scope).toEqual({ kind: 'request', name: 'GET_/users/1' });
  });

  it('reads a request named like a kind through the short form', () => {
    expect(parseThreshold('flow: p95 < 10').scope).toEqual({ kind: 'request', name: 'flow' });
  });

  it('has no scope when none is written', () => {
    expect(parseThreshold('p95 < 10')).not.toHaveProperty('scope');
  });
});

describe('parseThreshold: errors', () => {
  it('throws SloSyntaxError, an InputError carrying the expression', () => {
    const err = errorOf('p96 < 200ms');
    expect(err).toBeInstanceOf(InputError);
    expect(err.name).toBe('SloSyntaxError');
    expect(err.exitCode).toBe(2);
    expect(err.expr).toBe('p96 < 200ms');
  });

  it.each([
    ['', /empty SLO expression/],
    ['   ', /empty SLO expression/],
    ['p96 < 200ms', /unknown metric "p96" in "p96 < 200ms" \(known: p50, p90, .*error_rate.*p99\.9, avg\)/],
    ['toString < 5', /unknown metric "toString"/],
    ['< 200ms', /missing metric in "< 200ms" \(known: p50/],
    ['p95 200ms', /missing operator in "p95 200ms" \(expected one of <, <=, >, >=, =, ==\)/],
    ['p95', /missing operator in "p95"/],
    ['p95 => 200ms', /unknown operator "=>" in "p95 => 200ms" \(valid: <, <=/],
    ['p95 != 200ms', /unknown operator "!="/],
    ['p95 <', /missing number after "<" in "p95 <"/],
    ['p95 < ms', /missing number after "<"/],
    ['p95 < -5ms', /negative threshold -5 in "p95 < -5ms"/],
    ['p95 < 1e999', /out of range/],
    ['p95 < 1%', /unit "%" does not fit latency metric p95 in "p95 < 1%" \(use ms, s, us or none\)/],
    ['p95 < 200sec', /unknown unit "sec" for latency metric p95 .*\(use ms, s, us or none\)/],
    ['p95 < 200 ms please', /unexpected "please" at the end of "p95 < 200 ms please"/],
    ['error_rate < 1ms', /unit "ms" does not fit ratio metric error_rate .*\(use % or none\)/],
    ['error_rate < 5s', /unit "s" does not fit ratio metric error_rate/],
    ['error_rate < 150%', /error_rate 150% is above 100%/],
    ['error_rate < 5', /error_rate 5 is above 1 .*write "5%" for percent/],
    ['error_rate < 1', /error_rate 1 is ambiguous in "error_rate < 1": write 1% \(or 0\.01\), or 100%/],
    ['errors = 0.5', /errors is a count: 0\.5 is not a whole number .*use error_rate/],
    ['dropped < 2.5', /dropped is a count: 2\.5 is not a whole number/],
    ['rps > 100ms', /unit "ms" does not fit rate metric rps .*\(it takes a bare number\)/],
    ['rps > 100%', /unit "%" does not fit rate metric rps/],
    ['requests > 10s', /unit "s" does not fit count metric requests .*bare number/],
    ['errors < 5%', /unit "%" does not fit count metric errors/],
    ['flows:checkout p95 < 800ms', /unknown scope kind "flows" .*known: request, flow, step, service, queue/],
    ['create-user:p95 < 300ms', /unknown scope kind "create-user" .*"create-user: metric op value"/],
    ['flow:checkout: p95 < 800ms', /malformed scope in "flow:checkout: p95 < 800ms"/],
    [': p95 < 800ms', /malformed scope/],
    ['flow:checkout p95', /missing operator/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });
});

describe('formatThreshold', () => {
  it.each([
    ['p95<200', 'p95 < 200ms'],
    ['p95 < 1.5s', 'p95 < 1500ms'],
    ['p95 < 500us', 'p95 < 0.5ms'],
    ['p99.9 <= 2s', 'p999 <= 2000ms'],
    ['avg == 10', 'mean = 10ms'],
    ['error_rate < 0.01', 'error_rate < 1%'],
    ['error_rate < 0.07%', 'error_rate < 0.07%'],
    ['rps >= 500', 'rps >= 500'],
    ['errors = 0', 'errors = 0'],
    ['request:create-user p95 < 300', 'create-user: p95 < 300ms'],
  ])('formats %j as %j', (text, out) => {
    expect(formatThreshold(parseThreshold(text))).toBe(out);
  });

  it('formats non-request scopes as kind:name', () => {
    expect(formatThreshold(parseThreshold('flow:checkout p95<800ms'))).toBe('flow:checkout p95 < 800ms');
    expect(formatThreshold(parseThreshold('service:orders error_rate<0.5%'))).toBe('service:orders error_rate < 0.5%');
  });

  it.each([
    'p50 < 1',
    'p90 <= 2.5s',
    'p95 > 750us',
    'p99 >= 0.001ms',
    'p99.9 = 3',
    'max < 1e6',
    'mean < 12.345',
    'error_rate < 0.07%',
    'error_rate <= 0.3333',
    'error_rate == 0',
    'rps > 1234.5',
    'requests >= 1e21',
    'dropped = 0',
    'flow:checkout p95 < 800ms',
    'step:pay.card p99 < 1s',
    'queue:orders/in errors < 3',
    'request:flow p50 < 4',
    'create-user: error_rate < 1%',
  ])('round-trips %j', (text) => {
    const first = parseThreshold(text);
    const again = parseThreshold(formatThreshold(first));
    expect(meaning(again)).toEqual(meaning(first));
    expect(formatThreshold(again)).toBe(formatThreshold(first));
  });
});
