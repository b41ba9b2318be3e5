import { InputError } from '../errors.js';
import type { Shard } from './data-feed.js';

export type { Shard } from './data-feed.js';

/**
 * Splitting one run's load across generators: `--shard i/n` (machines, pods) and worker threads within each.
 * A generator's share is described by one Shard (0-based index of count). Nesting a thread inside a shard gives
 * the generator slot `thread·n + shard` of `n·threads`: the set of slots of shard i is exactly what splitting
 * shard i's share again would give, so every rule below (rows, sequence numbers, arrivals, connections) splits
 * the whole exactly, even when machines run different numbers of threads.
 */

export const WHOLE: Shard = Object.freeze({ index: 0, count: 1 });

/** Parses the 1-based "i/n" of --shard. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const i = m === null ? NaN : Number(m[1]);
  const n = m === null ? NaN : Number(m[2]);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n) || n < 1 || i < 1 || i > n) {
    throw new InputError(`--shard "${text}": expected i/n with 1 <= i <= n, e.g. --shard 2/4`);
  }
  return { index: i - 1, count: n };
}

/** As users write it: "2/4". */
export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/** The slot of `inner` (e.g. a worker thread) within `outer` (e.g. a --shard). */
export function nestShard(outer: Shard, inner: Shard): Shard {
  return { index: inner.index * outer.count + outer.index, count: outer.count * inner.count };
}

/** A generator's part of `total` whole units (connections): the remainder goes to the lowest slots, 10 over 3 → 4, 3, 3. */
export function splitCount(total: number, shard: Shard): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index < total - base * shard.count ? 1 : 0);
}

/** Open model: this generator starts arrivals index, index + count, … of the whole schedule, so the union is the whole. */
export function wholeArrival(k: number, shard: Shard): number {
  return k * shard.count + shard.index;
}
