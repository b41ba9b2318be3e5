import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS, type Engine, type RunContext, sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import { splitCount, WHOLE } from '../../scenario/shard.js';
import type { Channel } from './channel.js';
import { runnerFor } from './request-runner.js';

/** How often the number of connections is adjusted to follow the stages. */
const CONTROL_TICK_MS = 100;

/**
 * Closed model (concurrency): N keep-alive connections each loop request → response as fast as the target
 * answers, the classic max-throughput benchmark. Stages ramp N up and down. Each loop owns one connection and
 * sends its next request from the completion of the previous one, with no promise, timer or clock read in
 * between: the control tick alone follows the stages, and a loop numbered at or above its count parks.
 * A shard of the run keeps its part of the connections (the parts sum to the whole).
 */
export class ClosedModelEngine implements Engine {
  async run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void> {
    const { stages, durationMs } = plan.load;
    const shard = context.shard ?? WHOLE;
    const t0 = performance.now();
    const elapsed = (): number => performance.now() - t0;
    let wanted = 0;
    const loops: Channel[] = [];
    const running = new Set<number>();
    const runner = runnerFor(plan, sink, context, shard, (connection, endedAt) => {
      if (connection.slot < wanted && !signal.aborted) runner.fire(connection, endedAt);
      else running.delete(connection.slot);
    });

    while (!signal.aborted && elapsed() < durationMs) {
      wanted = splitCount(Math.round(valueAt(stages, elapsed())), shard) * runner.streams;
      for (let id = 0; id < wanted; id++) {
        if (running.has(id)) continue;
        let connection = loops[id];
        if (connection === undefined) {
          connection = loops[id] = runner.connect();
          connection.slot = id;
        }
        running.add(id);
        runner.fire(connection, performance.now());
      }
      await sleep(Math.min(CONTROL_TICK_MS, durationMs - elapsed()), signal);
    }
    wanted = 0;
    await runner.drain(signal.aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
    runner.close();
  }
}
