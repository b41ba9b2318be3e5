import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { peakUsers, runClosedUnits } from '../units/closed-units.js';
import { drainBudgetMs, type FlowEngine, type FlowRunContext, openSenders } from './flow-engine.js';
import { FlowRunner } from './flow-runner.js';

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
    const { senders, pools } = openSenders(flows, context, peakUsers(load));
    const runner = new FlowRunner(flows, senders, sink, context.feed, signal);
    await runClosedUnits({ load, runner, sink, drainBudgetMs: (aborted) => drainBudgetMs(flows, aborted) }, signal);
    await pools.close();
  }
}
