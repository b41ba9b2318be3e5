import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { formatShard, nestShard, parseShard, type Shard, splitCount, wholeArrival } from './shard.js';

const slots = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));

describe('shards', () => {
  it('parses the 1-based i/n of --shard and rejects anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(formatShard(parseShard('3/8'))).toBe('3/8');
    for (const bad of ['0/4', '5/4', '2', '2/0', '-1/4', 'a/b', '1.5/4', ''])
      expect(() => parseShard(bad), bad).toThrow(InputError);
  });

  it('splits connections so the parts sum to the whole, remainders to the lowest shards', () => {
    expect(slots(3).map((s) => splitCount(10, s))).toEqual([4, 3, 3]);
    expect(slots(4).map((s) => splitCount(2, s))).toEqual([1, 1, 0, 0]);
    for (let total = 0; total < 40; total++) {
      for (let n = 1; n <= 7; n++) expect(slots(n).reduce((sum, s) => sum + splitCount(total, s), 0)).toBe(total);
    }
  });

  it('nests threads in shards so that splitting twice equals splitting once, whatever each machine runs', () => {
    for (let total = 0; total < 30; total++) {
      for (const n of [1, 2, 3, 5]) {
        for (const shard of slots(n)) {
          for (const threads of [1, 2, 3, 4]) {
            const twice = slots(threads).reduce((sum, t) => sum + splitCount(splitCount(total, shard), t), 0);
            const nested = slots(threads).reduce((sum, t) => sum + splitCount(total, nestShard(shard, t)), 0);
            expect(nested).toBe(twice);
          }
        }
      }
    }
  });

  it('gives every arrival (and sequence number) to exactly one generator, with machines of different thread counts', () => {
    // Shard 1/2 runs 3 threads, shard 2/2 runs 1: together they still cover 0..N-1 once each.
    const generators = [
      ...slots(3).map((t) => nestShard({ index: 0, count: 2 }, t)),
      nestShard({ index: 1, count: 2 }, { index: 0, count: 1 }),
    ];
    const seen: number[] = [];
    for (const g of generators) for (let k = 0; wholeArrival(k, g) < 600; k++) seen.push(wholeArrival(k, g));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });
});
