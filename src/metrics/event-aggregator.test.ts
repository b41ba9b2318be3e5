import { describe, expect, it } from 'vitest';
import { EventAggregator } from './event-aggregator.js';
import { type EventCounts, type EventIntervalSnapshot, type LagSample, emptyEventCounts } from './event-recorder.js';
import { recordMs } from './histogram.js';

function counts(
  fill: Partial<Record<'attempted' | 'acked' | 'consumed' | 'lost' | 'undelivered', number>>,
  e2eMs: number[] = [],
): EventCounts {
  const c = emptyEventCounts();
  Object.assign(c, fill);
  for (const ms of e2eMs) recordMs(c.e2e, ms);
  return c;
}

function snapshot(
  elapsedMs: number,
  queues: EventCounts[],
  lag: (LagSample | undefined)[],
  phases = {},
): EventIntervalSnapshot {
  return { elapsedMs, queues, lag, lagSource: queues.map(() => 'test source'), phases };
}

describe('EventAggregator', () => {
  it('keeps the lag max, the final reading and one point per second; the whole run sums the queues', () => {
    const agg = new EventAggregator(['a', 'b']);
    const lag = (broker: number | null, client = 0): LagSample => ({ broker, client, timeLagMs: 10 });
    agg.add(snapshot(1000, [counts({ acked: 10 }), counts({ acked: 5 })], [lag(3), lag(1)]));
    agg.add(snapshot(2000, [counts({ acked: 10 }), counts({ acked: 5 })], [lag(40, 38), lag(2)]));
    agg.add(snapshot(3000, [counts({ acked: 0 }), counts({ acked: 0 })], [lag(7), lag(0)]));
    const a = agg.byQueue().a;
    expect(a?.lag).toMatchObject({ max: 40, final: 7, clientMax: 38, source: 'test source' });
    expect(a?.lag.series.map((p) => p.lag)).toEqual([3, 40, 7]);
    expect(agg.metrics().acked).toBe(30);
    expect(agg.metrics().lag.series.map((p) => p.lag)).toEqual([4, 42, 7]);
    expect(agg.metrics().lag.max).toBe(42);
  });

  it('a lag that could not be read is null, never zero', () => {
    const agg = new EventAggregator(['a']);
    agg.add(snapshot(1000, [counts({})], [{ broker: null, client: 5, timeLagMs: 0 }]));
    expect(agg.metrics().lag).toMatchObject({ max: null, final: null, clientFinal: 5 });
  });

  it('folds a last flush of a few ms into the previous second, taking its lag reading', () => {
    const agg = new EventAggregator(['a']);
    agg.add(snapshot(1000, [counts({ consumed: 100 })], [{ broker: 9, client: 9, timeLagMs: 3 }]));
    agg.add(snapshot(1040, [counts({ consumed: 9 })], [{ broker: 0, client: 0, timeLagMs: 0 }]));
    const series = agg.timeseries();
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ consumed: 109, lag: 0, backlog: 0 });
    expect(agg.metrics().lag.final).toBe(0);
  });

  it('rates run over the phases, not the set-up: publishing for publishes, publish + drain for consumption', () => {
    const agg = new EventAggregator(['a']);
    const t = 10_000;
    agg.add(
      snapshot(5000, [counts({ attempted: 400, acked: 400, consumed: 300 })], [undefined], {
        publishing: t,
        draining: t + 2000,
        done: t + 4000,
      }),
    );
    expect(agg.metrics().rates).toEqual({ attempted: 200, acked: 200, consumed: 75 });
    expect(agg.metrics().consumeRatio).toBe(0.75);
  });

  it('undelivered and lost messages sit in the e2e tail with the consumed ones', () => {
    const agg = new EventAggregator(['a']);
    const c = counts({ consumed: 98, undelivered: 2 }, [...Array<number>(98).fill(5), 4000, 4000]);
    agg.add(snapshot(1000, [c], [undefined]));
    const e2e = agg.metrics().e2eLatencyMs;
    expect(e2e.p50).toBeCloseTo(5, 1);
    expect(e2e.p99).toBeGreaterThan(3990);
  });
});
