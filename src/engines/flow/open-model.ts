import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { runOpenUnits } from '../units/open-units.js';
import { drainBudgetMs, type FlowEngine, type FlowRunContext, openSenders } from './flow-engine.js';
import { FlowRunner } from './flow-runner.js';

/**
 * Open model for flows: iterations start on schedule whatever the services do, and an iteration's duration
 * runs from its intended start (no coordinated omission). Past the in-flight cap a start is counted as dropped.
 */
export class FlowOpenModelEngine implements FlowEngine {
  async run(
    flows: FlowsPlan,
    load: LoadPlan,
    context: FlowRunContext,
    sink: FlowSink,
    signal: AbortSignal,
  ): Promise<void> {
    const { senders, pools } = openSenders(flows, context, load.maxInFlight);
    const runner = new FlowRunner(flows, senders, sink, context.feed, signal);
    await runOpenUnits({ load, runner, sink, drainBudgetMs: (aborted) => drainBudgetMs(flows, aborted) }, signal);
    await pools.close();
  }
}
