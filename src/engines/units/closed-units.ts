import { performance } from 'node:perf_hooks';
import { sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import type { UnitLoad } from './unit-runner.js';

/** How often the number of virtual users is adjusted to follow the stages. */
const CONTROL_TICK_MS = 100;

/** The most virtual users the stages ask for at any time. */
export function peakUsers(load: UnitLoad['load']): number {
  return Math.ceil(Math.max(1, ...load.stages.map((s) => Math.max(s.from, s.to))));
}

/**
 * Closed model for awaited units: N virtual users each run unit after unit, as fast as the target answers.
 * Stages ramp N; a user above the wanted number stops after its current unit.
 */
export async function runClosedUnits({ load, runner, drainBudgetMs }: UnitLoad, signal: AbortSignal): Promise<void> {
  const { stages, durationMs } = load;
  const t0 = performance.now();
  const elapsed = (): number => performance.now() - t0;
  const wanted = (): number => (elapsed() >= durationMs ? 0 : Math.round(valueAt(stages, elapsed())));
  const running = new Set<number>();
  const user = async (id: number): Promise<void> => {
    while (!signal.aborted && id < wanted()) await runner.run(performance.now(), true);
    running.delete(id);
  };
  while (!signal.aborted && elapsed() < durationMs) {
    const n = wanted();
    for (let id = 0; id < n; id++) {
      if (!running.has(id)) {
        running.add(id);
        void user(id);
      }
    }
    await sleep(Math.min(CONTROL_TICK_MS, durationMs - elapsed()), signal);
  }
  await runner.drain(drainBudgetMs(signal.aborted));
}
