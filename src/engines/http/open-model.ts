import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { runArrivals } from '../arrival-loop.js';
import { ABORT_DRAIN_MS, type Engine, type RunContext, sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import { splitCount, WHOLE } from '../../scenario/shard.js';
import type { Channel } from './channel.js';
import { runnerFor } from './request-runner.js';

/** Connections opened before the clock starts: a few, plus one per this many arrivals per second. */
const PRECONNECT_MIN = 2;
const PRECONNECT_PER = 1000;
const PRECONNECT_WAIT_MS = 2000;

/**
 * Open model (arrival rate): requests start on schedule whatever the target does. Latency is measured from
 * the intended start, so a stalled server cannot hide its stall (no coordinated omission). When the in-flight
 * cap is reached the start is counted as dropped, never silently skipped. Connections are opened as needed
 * (at most one per request in flight) and reused most-recently-idle first, which keeps few of them warm.
 * A shard of the run starts every count-th arrival of the whole schedule, so shards interleave exactly.
 */
export class OpenModelEngine implements Engine {
  async run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void> {
    const { stages } = plan.load;
    const shard = context.shard ?? WHOLE;
    const maxInFlight = Math.max(1, splitCount(plan.load.maxInFlight, shard));
    const idle: Channel[] = [];
    const runner = runnerFor(plan, sink, context, shard, (connection) => void idle.push(connection));
    // Enough warm connections for the opening rate's first milliseconds; more open as the target needs them.
    const warm = Math.min(maxInFlight, PRECONNECT_MIN + Math.ceil(valueAt(stages, 0) / shard.count / PRECONNECT_PER));
    const opened = Array.from({ length: warm }, () => runner.connect());
    await Promise.race([Promise.all(opened.map((c) => c.preconnect())), sleep(PRECONNECT_WAIT_MS, signal)]);
    idle.push(...opened);
    const start = (intendedAt: number): void => runner.fire(idle.pop() ?? runner.connect(), intendedAt);
    await runArrivals({ stages, shard, maxInFlight }, runner, start, sink, signal);
    await runner.drain(signal.aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
    runner.close();
  }
}
