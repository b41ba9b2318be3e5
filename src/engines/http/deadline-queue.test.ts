import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue, type Timed } from './deadline-queue.js';

class Item implements Timed<Item> {
  prevDue: Item | undefined;
  nextDue: Item | undefined;
  queued = false;
  constructor(
    readonly name: string,
    readonly deadline: number,
  ) {}
}

describe('DeadlineQueue', () => {
  it('expires items at their deadlines in order, skipping removed ones, and re-arms for items added meanwhile', async () => {
    const expired: [string, number][] = [];
    const t0 = performance.now();
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const queue: DeadlineQueue<Item> = new DeadlineQueue((item, now) => {
      expired.push([item.name, now - item.deadline]);
      // An owner that sends again from the expiry, as the closed model does.
      if (item.name === 'a') queue.add(new Item('d', performance.now() + 40));
      if (item.name === 'd') resolveDone();
    });
    const [a, b, c] = [new Item('a', t0 + 20), new Item('b', t0 + 30), new Item('c', t0 + 50)];
    queue.add(a);
    queue.add(b);
    queue.add(c);
    queue.remove(b);
    queue.remove(b); // idempotent
    await done;
    queue.close();
    expect(expired.map(([name]) => name)).toEqual(['a', 'c', 'd']);
    for (const [name, late] of expired) {
      expect(late, name).toBeGreaterThanOrEqual(0);
      expect(late, name).toBeLessThan(15);
    }
    expect([a.queued, b.queued, c.queued]).toEqual([false, false, false]);
  });
});
