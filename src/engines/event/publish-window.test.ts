import { describe, expect, it } from 'vitest';
import { type PendingPublish, PublishWindow } from './publish-window.js';

interface P extends PendingPublish {
  id: number;
}

function windowAt(timeoutMs: number): { w: PublishWindow<P>; expired: number[]; clock: { t: number } } {
  const clock = { t: 0 };
  const expired: number[] = [];
  const w = new PublishWindow<P>(
    timeoutMs,
    (p) => expired.push(p.id),
    () => clock.t,
  );
  return { w, expired, clock };
}

describe('PublishWindow', () => {
  it('counts open publishes; each settles once', () => {
    const { w } = windowAt(1000);
    const a: P = { id: 1, startedAt: 0, settled: false };
    const b: P = { id: 2, startedAt: 0, settled: false };
    w.add(a);
    w.add(b);
    expect(w.size).toBe(2);
    expect(w.settle(b)).toBe(true);
    expect(w.settle(b)).toBe(false);
    expect(w.size).toBe(1);
    expect(w.settle(a)).toBe(true);
    expect(w.size).toBe(0);
    w.close();
  });

  it('expires only publishes past the timeout, oldest first; a late answer then counts for nothing', () => {
    const { w, expired, clock } = windowAt(100);
    const ps: P[] = [0, 10, 20, 150].map((t, id) => ({ id, startedAt: t, settled: false }));
    for (const p of ps) w.add(p);
    w.settle(ps[1] as P);
    clock.t = 125;
    w.sweep();
    expect(expired).toEqual([0, 2]);
    expect(w.size).toBe(1);
    expect(w.settle(ps[0] as P)).toBe(false);
    clock.t = 250;
    w.sweep();
    expect(expired).toEqual([0, 2, 3]);
    expect(w.size).toBe(0);
    w.close();
  });

  it('keeps exact counts over many publishes settled out of order', () => {
    const { w, expired } = windowAt(1000);
    const ps: P[] = Array.from({ length: 10_000 }, (_, id) => ({ id, startedAt: 0, settled: false }));
    for (const p of ps) w.add(p);
    for (let i = ps.length - 1; i >= 0; i -= 2) w.settle(ps[i] as P);
    expect(w.size).toBe(5000);
    for (let i = 0; i < ps.length; i += 2) w.settle(ps[i] as P);
    expect(w.size).toBe(0);
    expect(expired).toEqual([]);
    w.close();
  });
});
