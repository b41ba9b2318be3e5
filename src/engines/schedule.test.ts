import { describe, expect, it } from 'vitest';
import { buildStages, totalDurationMs } from '../scenario/stages.js';
import { ArrivalSchedule, valueAt } from './schedule.js';

function arrivals(schedule: ArrivalSchedule): number[] {
  const times: number[] = [];
  for (let k = 0; ; k++) {
    const t = schedule.timeOf(k);
    if (t === undefined) return times;
    times.push(t);
  }
}

describe('schedule', () => {
  it('spaces a constant rate evenly', () => {
    const s = new ArrivalSchedule(buildStages(200, [{ durationMs: 5000, value: 200 }]));
    const times = arrivals(s);
    expect(times).toHaveLength(1000);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(5, 9);
    expect(times[999]).toBeCloseTo(4995, 6);
  });

  it('integrates a linear ramp exactly', () => {
    const s = new ArrivalSchedule(buildStages(0, [{ durationMs: 10_000, value: 100 }]));
    expect(s.total).toBeCloseTo(500, 9);
    const times = arrivals(s);
    expect(times).toHaveLength(500);
    // Half the arrivals of a ramp from zero come in the last 29 % of it (t = 10·√0.5 s).
    expect(times[250]).toBeCloseTo(10_000 * Math.sqrt(0.5), 0);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  });

  it('handles ramp up, hold and ramp down', () => {
    const spans = buildStages(0, [
      { durationMs: 2000, value: 100 },
      { durationMs: 3000, value: 100 },
      { durationMs: 2000, value: 0 },
    ]);
    expect(totalDurationMs(spans)).toBe(7000);
    expect(valueAt(spans, 1000)).toBe(50);
    expect(valueAt(spans, 3000)).toBe(100);
    expect(valueAt(spans, 6000)).toBe(50);
    expect(valueAt(spans, 8000)).toBe(0);
    const times = arrivals(new ArrivalSchedule(spans));
    expect(times).toHaveLength(100 + 300 + 100);
    expect(Math.max(...times)).toBeLessThan(7000);
  });

  it('counts arrivals due before a time arithmetically, matching timeOf, for a whole run and for shards', () => {
    const s = new ArrivalSchedule(buildStages(0, [{ durationMs: 10_000, value: 100 }]));
    const times = arrivals(s);
    for (const t of [0, 1, 1234.5, 5000, 7071, 9999, 10_000, 1e9]) {
      expect(s.countBefore(t)).toBe(times.filter((a) => a < t).length);
    }
    const shard = { index: 1, count: 3 };
    const mine = times.filter((_, j) => j % 3 === 1);
    expect(s.overdue(0, 6000, shard)).toBe(mine.filter((a) => a < 6000).length);
    expect(s.overdue(5, 6000, shard)).toBe(mine.filter((a) => a < 6000).length - 5);
    expect(s.overdue(10_000, 6000, shard)).toBe(0);
  });

  it('counts 10^12 per second in one step', () => {
    const s = new ArrivalSchedule(buildStages(1e12, [{ durationMs: 2000, value: 1e12 }]));
    expect(s.endMs).toBe(2000);
    expect(s.countBefore(1000)).toBe(1e12);
    expect(s.overdue(0, Infinity, { index: 0, count: 1 })).toBe(2e12);
  });
});
