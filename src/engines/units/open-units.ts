import { performance } from 'node:perf_hooks';
import { sleep, yieldToLoop } from '../engine.js';
import { ArrivalSchedule, valueAt } from '../schedule.js';
import type { UnitLoad } from './unit-runner.js';

/** Starts due in one pass before yielding, so a late tick catches up without starving I/O. */
const MAX_STARTS_PER_TICK = 500;

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
    for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
      if (runner.inFlight >= maxInFlight) {
        runner.drop();
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
