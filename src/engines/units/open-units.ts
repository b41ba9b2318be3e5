import { performance } from 'node:perf_hooks';
import { sleep, yieldToLoop } from '../engine.js';
import { WHOLE } from '../../scenario/shard.js';
import { ArrivalSchedule, valueAt } from '../schedule.js';
import type { UnitLoad } from './unit-runner.js';

/** Starts due in one pass before yielding, so a late tick catches up without starving I/O. */
const MAX_STARTS_PER_TICK = 500;
/** Starts still unmade this long after the schedule's end are missed (dropped): the run ends on time. */
const MISSED_AFTER_MS = 1000;

/**
 * Open model for awaited units: they start on schedule whatever the target does, each timed from its intended
 * start (no coordinated omission). Past the in-flight cap a start is counted as dropped.
 */
export async function runOpenUnits(
  { load, runner, sink, drainBudgetMs }: UnitLoad,
  signal: AbortSignal,
): Promise<void> {
  const { stages, maxInFlight } = load;
  const schedule = new ArrivalSchedule(stages);
  const t0 = performance.now();
  let k = 0;
  let due = schedule.timeOf(0);
  while (due !== undefined && !signal.aborted) {
    const now = performance.now() - t0;
    sink.setTargetRate(valueAt(stages, now));
    if (now >= schedule.endMs + MISSED_AFTER_MS) {
      // The schedule is over: starts never reached are missed, counted at once rather than made late.
      runner.drop(schedule.overdue(k, Infinity, WHOLE));
      break;
    }
    for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
      if (runner.inFlight >= maxInFlight) {
        // At the cap every start already due is dropped in one step, however many.
        const n = Math.max(1, schedule.overdue(k, now, WHOLE));
        runner.drop(n);
        k += n - 1;
      } else {
        sink.sendDelay(now - due);
        void runner.run(t0 + due, false);
      }
      due = schedule.timeOf(++k);
    }
    if (due === undefined) break;
    // Timers are coarse (≈1 ms): sleep until just before the next start, then yield until it is due.
    const wait = due - (performance.now() - t0);
    if (wait > 2) await sleep(wait - 1, signal);
    else await yieldToLoop();
  }
  sink.setTargetRate(0);
  await runner.drain(drainBudgetMs(signal.aborted));
}
