import { WHOLE } from '../../scenario/shard.js';
import { runArrivals } from '../arrival-loop.js';
import type { UnitLoad } from './unit-runner.js';

/**
 * Open model for awaited units: they start on schedule whatever the target does, each timed from its intended
 * start (no coordinated omission). Past the in-flight cap a start is counted as dropped.
 */
export async function runOpenUnits(
  { load, runner, sink, drainBudgetMs }: UnitLoad,
  signal: AbortSignal,
): Promise<void> {
  const arrivals = { stages: load.stages, shard: WHOLE, maxInFlight: load.maxInFlight };
  await runArrivals(arrivals, runner, (intendedAt) => void runner.run(intendedAt, false), sink, signal);
  await runner.drain(drainBudgetMs(signal.aborted));
}
