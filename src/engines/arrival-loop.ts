import { performance } from 'node:perf_hooks';
import type { Shard } from '../scenario/shard.js';
import { wholeArrival } from '../scenario/shard.js';
import type { StageSpan } from '../scenario/stages.js';
import { sleep, yieldToLoop } from './engine.js';
import { ArrivalSchedule, valueAt } from './schedule.js';

/** Starts due in one pass before yielding, so a late tick catches up without starving I/O. */
const MAX_STARTS_PER_TICK = 500;
/** Starts still unmade this long after the schedule's end are missed (dropped): the run ends on time, whatever the rate. */
const MISSED_AFTER_MS = 1000;

/** What an open model feeds: the runner of requests, flow iterations, gRPC calls or WebSocket sessions. */
export interface ArrivalTarget {
  readonly inFlight: number;
  /** Counts starts that could not be made (in-flight cap, or the schedule ended), never silently skipped. */
  drop(count: number): void;
}

/** Starts one arrival meant to begin at `intendedAt` (a performance.now() time); never waits for it. */
export type StartArrival = (intendedAt: number) => void;

/** What the arrival loop reports besides the arrivals themselves. */
export interface ArrivalSink {
  sendDelay(ms: number): void;
  setTargetRate(rate: number): void;
}

export interface Arrivals {
  readonly stages: readonly StageSpan[];
  /** This process's part of the whole schedule: it starts every count-th arrival, so shards interleave exactly. */
  readonly shard: Shard;
  readonly maxInFlight: number;
}

/**
 * The one open-model loop: starts every arrival when the integral of the stage rate says it is due, whatever the
 * target does, and hands the target its intended start so latency is timed from it (no coordinated omission).
 * Past the in-flight cap a start is dropped. Resolves when the schedule is over or the signal aborts; draining
 * what is still in flight is the caller's.
 */
export async function runArrivals(
  { stages, shard, maxInFlight }: Arrivals,
  target: ArrivalTarget,
  start: StartArrival,
  sink: ArrivalSink,
  signal: AbortSignal,
): Promise<void> {
  const schedule = new ArrivalSchedule(stages);
  const t0 = performance.now();
  let k = 0;
  let due = schedule.timeOf(wholeArrival(0, shard));
  while (due !== undefined && !signal.aborted) {
    const now = performance.now() - t0;
    sink.setTargetRate(valueAt(stages, now) / shard.count);
    if (now >= schedule.endMs + MISSED_AFTER_MS) {
      // The schedule is over: starts the generator never reached are missed, counted at once, not made late.
      target.drop(schedule.overdue(k, Infinity, shard));
      break;
    }
    for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
      if (target.inFlight >= maxInFlight) {
        // At the cap every start already due is dropped: counted in one step, however many millions.
        const n = Math.max(1, schedule.overdue(k, now, shard));
        target.drop(n);
        k += n - 1;
      } else {
        sink.sendDelay(now - due);
        start(t0 + due);
      }
      due = schedule.timeOf(wholeArrival(++k, shard));
    }
    if (due === undefined) break;
    // Timers are coarse (≈1 ms): sleep until just before the next start, then yield until it is due.
    const wait = due - (performance.now() - t0);
    if (wait > 2) await sleep(wait - 1, signal);
    else await yieldToLoop();
  }
  sink.setTargetRate(0);
}
