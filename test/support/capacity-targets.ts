import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CapacityResult } from '../../src/commands/capacity.js';
import type { Handler } from './servers.js';

/** Short steps (1 s warm-up + 3 s held) keep a search near half a minute; docs/capacity.md says what that costs. */
export const SHORT_STEPS = ['--step-duration', '3s', '--warmup', '1s', '--max-duration', '80s', '--quiet'];

export const readCapacity = (file: string): CapacityResult => JSON.parse(readFileSync(file, 'utf8')) as CapacityResult;

const reply = (res: ServerResponse, status: number): void => {
  const text = status < 400 ? '{"ok":true}' : '{"error":"burst"}';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
};

/**
 * Serves at most `k` requests at once, each for exactly `serviceMs`, and queues the rest (FIFO): its throughput
 * limit is exactly k / serviceMs. Service times run on a virtual clock per slot (a slot is free again at its
 * previous end + serviceMs, not when a late timer fired), so timer lateness delays a response without lowering
 * the limit.
 */
export function queueing(k: number, serviceMs: number): Handler {
  const freeAt: number[] = new Array<number>(k).fill(0);
  return (_req, res) => {
    const now = performance.now();
    let slot = 0;
    for (let i = 1; i < k; i++) if ((freeAt[i] as number) < (freeAt[slot] as number)) slot = i;
    const done = Math.max(now, freeAt[slot] as number) + serviceMs;
    freeAt[slot] = done;
    setTimeout(() => reply(res, 200), done - now);
  };
}

export interface Episode {
  /** Seconds since the first request. */
  from: number;
  to: number;
  /** Every n-th request in the episode is affected. */
  every: number;
}

/**
 * Fast (1 ms) but for two episodes, timed from the first request: in `slow`, every n-th request takes
 * `slowMs`; in `errors`, every n-th request is answered 500.
 */
export function episodes(slow: Episode, errors: Episode, slowMs: number): Handler {
  let t0: number | undefined;
  let n = 0;
  const within = (e: Episode, s: number): boolean => s >= e.from && s < e.to && n % e.every === 0;
  return (_req, res) => {
    t0 ??= performance.now();
    const s = (performance.now() - t0) / 1000;
    n++;
    if (within(errors, s)) return void setTimeout(() => reply(res, 500), 1);
    setTimeout(() => reply(res, 200), within(slow, s) ? slowMs : 1);
  };
}
