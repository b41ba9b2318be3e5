import { performance } from 'node:perf_hooks';
import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import { drainBudgetMs, type FlowEngine, type FlowRunContext, openSenders } from './flow-engine.js';
import { FlowRunner } from './flow-runner.js';

/** How often the number of virtual users is adjusted to follow the stages. */
const CONTROL_TICK_MS = 100;

/**
 * Closed model for flows: N virtual users each loop iteration after iteration (think times included), as fast
 * as the services answer. Stages ramp N; a user above the wanted number stops after its current iteration.
 */
export class FlowClosedModelEngine implements FlowEngine {
  async run(
    flows: FlowsPlan,
    load: LoadPlan,
    context: FlowRunContext,
    sink: FlowSink,
    signal: AbortSignal,
  ): Promise<void> {
    const { stages, durationMs } = load;
    const peak = Math.ceil(Math.max(1, ...stages.map((s) => Math.max(s.from, s.to))));
    const { senders, pools } = openSenders(flows, context, peak);
    const runner = new FlowRunner(flows, senders, sink, context.feed, signal);
    const t0 = performance.now();
    const elapsed = (): number => performance.now() - t0;
    const wanted = (): number => (elapsed() >= durationMs ? 0 : Math.round(valueAt(stages, elapsed())));
    const running = new Set<number>();
    const user = async (id: number): Promise<void> => {
      while (!signal.aborted && id < wanted()) await runner.iterate(performance.now(), true);
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
    await runner.drain(drainBudgetMs(flows, signal.aborted));
    await pools.close();
  }
}
