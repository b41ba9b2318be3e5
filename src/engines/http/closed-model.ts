import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS, type Engine, type RunContext, sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import { HttpSender } from './http-sender.js';
import { RequestRunner } from './request-runner.js';

/** How often the number of connections is adjusted to follow the stages. */
const CONTROL_TICK_MS = 100;

/**
 * Closed model (concurrency): N keep-alive connections each loop request → response as fast as the target
 * answers, the classic max-throughput benchmark. Stages ramp N up and down.
 */
export class ClosedModelEngine implements Engine {
  async run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void> {
    const { stages, durationMs } = plan.load;
    const peak = Math.max(1, ...stages.map((s) => Math.max(s.from, s.to)));
    const sender = new HttpSender(context.baseUrl, Math.ceil(peak), plan.timeoutMs);
    const runner = new RequestRunner(plan, sender, sink, context.feed);
    const t0 = performance.now();
    const elapsed = (): number => performance.now() - t0;
    const wanted = (): number => (elapsed() >= durationMs ? 0 : Math.round(valueAt(stages, elapsed())));
    const running = new Set<number>();

    const loop = async (id: number): Promise<void> => {
      while (!signal.aborted && id < wanted()) await runner.fire(performance.now());
      running.delete(id);
    };

    while (!signal.aborted && elapsed() < durationMs) {
      const n = wanted();
      for (let id = 0; id < n; id++) {
        if (!running.has(id)) {
          running.add(id);
          void loop(id);
        }
      }
      await sleep(Math.min(CONTROL_TICK_MS, durationMs - elapsed()), signal);
    }
    await runner.drain(signal.aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
    await sender.close();
  }
}
