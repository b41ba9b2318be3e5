import { describe, expect, it } from 'vitest';
import { buildStages } from '../scenario/stages.js';
import { WHOLE } from '../scenario/shard.js';
import { runArrivals } from './arrival-loop.js';

/** 400/s for 250 ms: 100 arrivals, one every 2.5 ms. */
const stages = buildStages(400, [{ durationMs: 250, value: 400 }]);

function recorder(inFlight = 0) {
  const starts: number[] = [];
  const rates: number[] = [];
  let dropped = 0;
  let delays = 0;
  const target = { inFlight, drop: (n: number) => void (dropped += n) };
  const sink = { sendDelay: () => void delays++, setTargetRate: (r: number) => void rates.push(r) };
  return {
    starts,
    rates,
    target,
    sink,
    start: (at: number) => void starts.push(at),
    dropped: () => dropped,
    delays: () => delays,
  };
}

describe('runArrivals', () => {
  it('starts every arrival of the schedule once, in order, each with its send delay', async () => {
    const r = recorder();
    await runArrivals(
      { stages, shard: WHOLE, maxInFlight: 10 },
      r.target,
      r.start,
      r.sink,
      new AbortController().signal,
    );
    expect(r.starts).toHaveLength(100);
    expect(r.delays()).toBe(100);
    expect(r.dropped()).toBe(0);
    for (let i = 1; i < r.starts.length; i++) expect(r.starts[i]).toBeGreaterThan(r.starts[i - 1] as number);
    // Intended starts follow the schedule exactly, however late the loop ran.
    expect((r.starts[99] as number) - (r.starts[0] as number)).toBeCloseTo(99 * 2.5, 6);
    expect(r.rates.at(-1)).toBe(0);
  });

  it('at the in-flight cap counts every due start as dropped and starts none', async () => {
    const r = recorder(3);
    await runArrivals(
      { stages, shard: WHOLE, maxInFlight: 3 },
      r.target,
      r.start,
      r.sink,
      new AbortController().signal,
    );
    expect(r.starts).toHaveLength(0);
    expect(r.dropped()).toBe(100);
  });

  it('a shard starts every count-th arrival of the whole schedule, at its share of the rate', async () => {
    const r = recorder();
    const shard = { index: 1, count: 2 };
    await runArrivals({ stages, shard, maxInFlight: 10 }, r.target, r.start, r.sink, new AbortController().signal);
    expect(r.starts).toHaveLength(50);
    expect((r.starts[1] as number) - (r.starts[0] as number)).toBeCloseTo(5, 6);
    expect(r.rates.filter((rate) => rate > 0).every((rate) => rate === 200)).toBe(true);
  });

  it('an aborted signal starts nothing and leaves the target rate at 0', async () => {
    const r = recorder();
    const controller = new AbortController();
    controller.abort();
    await runArrivals({ stages, shard: WHOLE, maxInFlight: 10 }, r.target, r.start, r.sink, controller.signal);
    expect(r.starts).toHaveLength(0);
    expect(r.rates).toEqual([0]);
  });
});
