import { describe, expect, it } from 'vitest';
import { capacitySection, describeCapacity } from './capacity-result.js';
import { formatCapacity } from './format.js';
import { capacityHtml } from './html.js';
import type { SearchOutcome } from './search.js';
import type { CapacityStep } from './step.js';

const step = (rate: number, p95: number, pass: boolean, services?: CapacityStep['services']): CapacityStep => ({
  rate,
  achievedRate: pass ? rate : 400,
  pass,
  verdict: pass ? 'pass' : 'fail',
  latencyMs: { p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.5, p999: p95 * 2, max: p95 * 2, mean: p95 / 2 },
  errorRate: 0,
  requests: rate * 3,
  dropped: 0,
  slos: [],
  failed: pass ? [] : ['p95 < 100ms'],
  ...(services !== undefined && { services }),
  generator: { saturated: false, reasons: [] },
});

const SETTINGS = {
  start: 150,
  max: 100_000,
  precision: 0.05,
  factor: 2,
  maxDurationMs: 600_000,
  minRate: 1,
  stepDurationMs: 3000,
  warmupMs: 1000,
};

function outcome(steps: CapacityStep[]): SearchOutcome<CapacityStep> {
  const passing = steps.filter((s) => s.pass).sort((a, b) => b.rate - a.rate);
  const failing = steps.filter((s) => !s.pass).sort((a, b) => a.rate - b.rate);
  return { steps, lastPass: passing[0], firstFail: failing[0], generatorBound: false, stoppedBy: 'precision' };
}

describe('capacity summary', () => {
  const steps = [
    step(150, 12, true),
    step(300, 14, true),
    step(600, 1900, false),
    step(450, 700, false),
    step(375, 20, true),
    step(412, 240, false),
    step(394, 41, true),
  ];
  const section = capacitySection(outcome(steps), 'requests/s', SETTINGS);

  it('names the capacity, its bracket and what limited it', () => {
    expect(section).toMatchObject({ rate: 394, bracket: [394, 412], limitedBy: 'p95 < 100ms', atLeast: false });
    expect(describeCapacity(section)).toBe('capacity 394 requests/s (between 394 and 412), limited by p95 < 100ms');
    const cut = capacitySection({ ...outcome(steps.slice(0, 4)), stoppedBy: 'max-duration' }, 'requests/s', SETTINGS);
    expect(describeCapacity(cut)).toBe(
      'capacity 300 requests/s (between 300 and 450), limited by p95 < 100ms; the bracket is wider than --precision: ' +
        'the search stopped at --max-duration',
    );
  });

  it('prints the step table and the latency chart (snapshot)', () => {
    expect(formatCapacity(section, 'capacity of demo → http://127.0.0.1:1')).toMatchSnapshot();
  });

  it('fits a long search in 80 columns, rates as held, labels that would touch left out', () => {
    // A default search (from 10/s) to a 400/s limit: 7 climbing steps and 5 of bisection.
    const rates = [10, 20, 40, 80, 160, 320, 640, 480, 400, 440, 420, 410, 12.5, 5];
    const long = capacitySection(
      outcome(rates.map((r) => step(r, r <= 400 ? 15 : 100 + (r - 400) * 5, r <= 400))),
      'requests/s',
      SETTINGS,
    );
    const text = formatCapacity(long, 'capacity of demo');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // Held rates are shown as held: "10" and "12.5", not "10.0".
    expect(text).toMatch(/^ +1 +10 +10\.0 /m);
    expect(text).toMatch(/^ +13 +12\.5 /m);
    const axis = text.split('\n').find((l) => l.trimStart().startsWith('rate/s')) ?? '';
    const marks = text.split('\n').find((l) => l.includes('✗')) ?? '';
    // Every label shown is centred on its column's mark: the ✗ of 640/s sits under the "4" of "640".
    expect(axis.indexOf('640') + 1).toBe(marks.lastIndexOf('✗'));
    expect(axis).toMatch(/ 5 +10 /);
  });

  it('leaves steps the generator bounded off the curve, and marks only failures ✗', () => {
    const saturated: CapacityStep = {
      ...step(375, 174, false),
      verdict: 'generator',
      failed: ['p95 < 100ms'],
      generator: { saturated: true, reasons: ['send delay p99 35 ms > 10 ms'] },
    };
    const withHiccup = capacitySection(
      outcome([step(300, 14, true), step(450, 600, false), saturated, step(375, 40, true)]),
      'requests/s',
      SETTINGS,
    );
    const text = formatCapacity(withHiccup, 'capacity of demo');
    expect(text).toMatch(/^ +3 +375 +\S+ +\S+ +174 +\S+ +0% +generator saturated$/m);
    const lines = text.split('\n');
    const axis = lines.find((l) => l.trimStart().startsWith('rate/s')) ?? '';
    expect(axis.trim().split(/ +/)).toEqual(['rate/s', '300', '375', '450']);
    expect((lines.find((l) => l.includes('✗')) ?? '').match(/✗/g)?.length).toBe(1);
  });

  it('shows a target that answered nothing as such: no latency, and what failed, said once', () => {
    const dead = (rate: number): CapacityStep => ({
      ...step(rate, 0, false),
      latencyMs: { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 },
      errorRate: 1,
      failed: ['every request failed'],
    });
    const none = capacitySection(outcome([dead(150), dead(75)]), 'requests/s', SETTINGS);
    const text = formatCapacity(none, 'capacity of demo');
    expect(text).toMatch(/^ +1 +150 +\S+ +— +— +— +100\.00% +FAIL \(every request failed\)$/m);
    expect(text).not.toContain('latency (ms');
    expect(describeCapacity(none)).toBe(
      'no capacity found: every rate held failed, down to 75 requests/s (every request failed)',
    );
  });

  it('writes an HTML page with the curve and one row per step', () => {
    const html = capacityHtml(section, 'capacity of <demo>');
    expect(html).toContain('<title>capacity of &lt;demo&gt;</title>');
    expect(html.match(/<polyline/g)?.length).toBe(3);
    expect(html.match(/<tr><td>/g)?.length).toBe(steps.length);
    expect(html).toContain('capacity 394/s');
  });

  it('names the flow service whose p95 grew most', () => {
    const flow = capacitySection(
      outcome([
        step(60, 20, true, { front: { p95: 2 }, back: { p95: 18 } }),
        step(240, 900, false, { front: { p95: 3 }, back: { p95: 880 } }),
      ]),
      'iterations/s',
      SETTINGS,
    );
    expect(flow.bottleneck).toEqual({ service: 'back', p95Ms: 880, baselineP95Ms: 18 });
    expect(describeCapacity(flow)).toContain('(service back: p95 18.0 → 880 ms)');
  });

  it('says "at least" when the generator bounded the search, or every rate passed', () => {
    const bound = capacitySection(
      { ...outcome([step(150, 12, true)]), generatorBound: true, stoppedBy: 'generator' },
      'requests/s',
      SETTINGS,
    );
    expect(describeCapacity(bound)).toMatch(/^capacity at least 150 requests\/s: the load generator saturated/);
    const max = capacitySection({ ...outcome([step(150, 12, true)]), stoppedBy: 'max' }, 'requests/s', SETTINGS);
    expect(describeCapacity(max)).toBe('capacity at least 150 requests/s: every rate up to --max held');
  });
});
