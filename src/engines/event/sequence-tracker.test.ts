import { describe, expect, it } from 'vitest';
import { REORDER_LIMIT, SequenceTracker } from './sequence-tracker.js';

const noLoss = (): void => {
  throw new Error('nothing should be lost');
};

function publish(t: SequenceTracker, n: number, from = 0): void {
  for (let s = from; s < from + n; s++) t.published(s, 1000 + s);
}

describe('SequenceTracker', () => {
  it('counts an in-order stream as received with nothing outstanding', () => {
    const t = new SequenceTracker();
    publish(t, 100);
    for (let s = 0; s < 100; s++) expect(t.received(s, 0, noLoss)).toBe('new');
    expect(t.counts).toEqual({ expected: 100, received: 100, duplicates: 0, outOfOrder: 0, lost: 0 });
    expect(t.outstanding).toBe(0);
    expect(t.oldestOutstandingMs()).toBeUndefined();
  });

  it('detects duplicates, including ones already below the low-water mark', () => {
    const t = new SequenceTracker();
    publish(t, 10);
    t.received(0, 0, noLoss);
    t.received(5, 0, noLoss);
    expect(t.received(5, 1, noLoss)).toBe('duplicate');
    expect(t.received(0, 1, noLoss)).toBe('duplicate');
    expect(t.counts.duplicates).toBe(2);
    expect(t.counts.received).toBe(2);
  });

  it('counts out-of-order per consumer, not across competing consumers', () => {
    const t = new SequenceTracker();
    publish(t, 6);
    // Two consumers interleaving in order each: no reordering.
    for (const [seq, consumer] of [
      [0, 0],
      [1, 1],
      [2, 0],
      [3, 1],
    ] as const)
      t.received(seq, consumer, noLoss);
    expect(t.counts.outOfOrder).toBe(0);
    t.received(5, 0, noLoss);
    t.received(4, 0, noLoss);
    expect(t.counts.outOfOrder).toBe(1);
  });

  it('reports the oldest outstanding message and every outstanding one at the end', () => {
    const t = new SequenceTracker();
    publish(t, 40_000);
    for (let s = 0; s < 40_000; s++) if (s !== 7 && s < 39_990) t.received(s, 0, noLoss);
    expect(t.outstanding).toBe(11);
    expect(t.oldestOutstandingMs()).toBe(1007);
    const seen: number[] = [];
    t.forEachOutstanding((ms) => seen.push(ms));
    expect(seen).toEqual([1007, ...Array.from({ length: 10 }, (_, i) => 1000 + 39_990 + i)]);
  });

  it('does not expect a failed publish, but counts it if it arrives anyway', () => {
    const t = new SequenceTracker();
    publish(t, 3);
    t.failed(1);
    expect(t.counts.expected).toBe(2);
    t.received(0, 0, noLoss);
    t.received(2, 0, noLoss);
    expect(t.outstanding).toBe(0);
    const u = new SequenceTracker();
    publish(u, 3);
    u.failed(2);
    expect(u.received(2, 0, noLoss)).toBe('new');
    expect(u.counts.expected).toBe(3);
  });

  it('declares a gap lost once the stream has moved REORDER_LIMIT past it', () => {
    const t = new SequenceTracker();
    const n = REORDER_LIMIT + 10;
    publish(t, n);
    const lost: number[] = [];
    for (let s = 0; s < n; s++) if (s !== 3) t.received(s, 0, (ms) => lost.push(ms));
    expect(lost).toEqual([1003]);
    expect(t.counts.lost).toBe(1);
    expect(t.outstanding).toBe(0);
  });

  it('ignores sequences that were never published', () => {
    const t = new SequenceTracker();
    publish(t, 2);
    expect(t.received(99, 0, noLoss)).toBe('unknown');
    expect(t.counts.received).toBe(0);
  });
});
