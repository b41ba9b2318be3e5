import { describe, expect, it } from 'vitest';
import type { Shard } from '../scenario/shard.js';
import { WHOLE } from '../scenario/shard.js';
import { buildStages } from '../scenario/stages.js';
import { runArrivals } from './arrival-loop.js';

/** 400/s for 250 ms: 100 arrivals, one every 2.5 ms. */
const stages = buildStages(400, [{ durationMs: 250, value: 400 }]);

interface Seen {
  starts: number[];
  rates: number[];
  dropped: number;
  delays: number;
}

/** Runs the loop against a target that holds `inFlight` starts whatever happens, and records what it was told. */
async function arrive(shard: Shard, maxInFlight: number, inFlight = 0, signal = new AbortController().signal) {
  const seen: Seen = { starts: [], rates: [], dropped: 0, delays: 0 };
  const target = { inFlight, drop: (n: number) => void (seen.dropped += n) };
  const sink = { sendDelay: () => void seen.delays++, setTargetRate: (r: number) => void seen.rates.push(r) };
  await runArrivals({ stages, shard, maxInFlight }, target, (at) => void seen.starts.push(at), sink, signal);
  return seen;
}

describe('runArrivals', () => {
  it('starts every arrival of the schedule once, in order, each with its send delay', async () => {
    const seen = await arrive(WHOLE, 10);
    expect(seen.starts).toHaveLength(100);
    expect(seen.delays).toBe(100);
    expect(seen.dropped).toBe(0);
    for (let i = 1; i < seen.starts.length; i++) expect(seen.starts[i]).toBeGreaterThan(seen.starts[i - 1] as number);
    // Intended starts follow the schedule exactly, however late the loop ran.
    expect((seen.starts[99] as number) - (seen.starts[0] as number)).toBeCloseTo(99 * 2.5, 6);
    expect(seen.rates.at(-1)).toBe(0);
  });

  it('at the in-flight cap counts every due start as dropped and starts none', async () => {
    const seen = await arrive(WHOLE, 3, 3);
    expect(seen.starts).toHaveLength(0);
    expect(seen.dropped).toBe(100);
  });

  it('a shard starts every count-th arrival of the whole schedule, at its share of the rate', async () => {
    const seen = await arrive({ index: 1, count: 2 }, 10);
    expect(seen.starts).toHaveLength(50);
    expect((seen.starts[1] as number) - (seen.starts[0] as number)).toBeCloseTo(5, 6);
    expect(seen.rates.filter((rate) => rate > 0).every((rate) => rate === 200)).toBe(true);
  });

  it('an aborted signal starts nothing and leaves the target rate at 0', async () => {
    const seen = await arrive(WHOLE, 10, 0, AbortSignal.abort());
    expect(seen.starts).toHaveLength(0);
    expect(seen.rates).toEqual([0]);
  });
});
