import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { Channel } from './channel.js';
import { ConnectionPool, type PoolRunner } from './open-model.js';

/** A runner that records what the pool asks of it; a channel is just an identity here. */
function fakeRunner() {
  const fired: [Channel, number][] = [];
  let made = 0;
  let dropped = 0;
  const runner: PoolRunner = {
    get inFlight() {
      return fired.length;
    },
    connect: () => ({ id: ++made }) as unknown as Channel,
    fire: (c, at) => void fired.push([c, at]),
    drop: (n = 1) => void (dropped += n),
  };
  return { runner, fired, made: () => made, dropped: () => dropped };
}

describe('the open model connection pool', () => {
  it('reuses idle connections first, most recently idle first', () => {
    const f = fakeRunner();
    const pool = new ConnectionPool();
    const warm = [f.runner.connect(), f.runner.connect()];
    pool.attach(f.runner, warm);
    pool.start(performance.now());
    expect(f.fired[0]?.[0]).toBe(warm[1]);
    expect(f.made()).toBe(2);
  });

  it('a late start waits for a connection once 8 are opening; an on-time one opens another', () => {
    const f = fakeRunner();
    const pool = new ConnectionPool();
    pool.attach(f.runner, []);
    const late = performance.now() - 50;
    for (let i = 0; i < 8; i++) pool.start(late);
    expect(f.made()).toBe(8);
    pool.start(late - 1);
    pool.start(late - 2);
    expect(f.made()).toBe(8);
    // Waiting starts count against the in-flight cap.
    expect(pool.inFlight).toBe(10);
    // The generator is on time again: the target needs more connections, so one opens at once.
    pool.start(performance.now() + 5);
    expect(f.made()).toBe(9);
    // A connection that comes free takes the oldest waiting start, with its intended time.
    const first = f.fired[0]?.[0] as Channel;
    pool.free(first);
    expect(f.fired.at(-1)).toEqual([first, late - 1]);
    // Starts still waiting when the run ends were never made: dropped, counted once.
    pool.abandonWaiting();
    expect(f.dropped()).toBe(1);
    pool.abandonWaiting();
    expect(f.dropped()).toBe(1);
  });

  it('a free connection with nobody waiting rests, and is the next one used', () => {
    const f = fakeRunner();
    const pool = new ConnectionPool();
    pool.attach(f.runner, []);
    pool.start(performance.now());
    const c = f.fired[0]?.[0] as Channel;
    pool.free(c);
    pool.start(performance.now());
    expect(f.fired[1]?.[0]).toBe(c);
    expect(f.made()).toBe(1);
  });
});
