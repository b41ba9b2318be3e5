import { ClosedModelEngine } from '../engines/http/closed-model.js';
import { OpenModelEngine } from '../engines/http/open-model.js';
import type { Engine, RunContext } from '../engines/engine.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { RunAggregator } from '../metrics/run-aggregator.js';
import { metricSource } from '../result/run-result.js';
import type { DataFeed } from '../scenario/data-feed.js';
import type { ExecutionPlan, LoadPlan } from '../scenario/plan.js';
import { redactUrl } from '../scenario/redact.js';
import { startDemo, type RunningDemo } from '../targets/launch.js';
import type { PreparedRun, RunKit } from './run-kit.js';

const ENGINES = {
  open: () => new OpenModelEngine(),
  closed: () => new ClosedModelEngine(),
} satisfies Record<LoadPlan['model'], () => Engine>;

/** Weighted requests against one target: one scope per request. */
export function httpKit(plan: ExecutionPlan, context: RunContext): RunKit {
  const names = plan.requests.map((r) => r.name);
  const recorder = new IntervalRecorder(names);
  const aggregator = new RunAggregator(names);
  return {
    scopeNames: names,
    requestMethods: Object.fromEntries(plan.requests.map((r) => [r.name, r.method])),
    serverUrl: redactUrl(context.baseUrl),
    recorder,
    aggregator,
    run: (signal) => ENGINES[plan.load.model]().run(plan, context, recorder, signal),
    metricSource: () => metricSource(aggregator),
    finish: (result) => result,
  };
}

/** Starts the target's demo if it names one. */
export async function prepareHttpRun(plan: ExecutionPlan, feed: DataFeed | undefined): Promise<PreparedRun> {
  const demo: RunningDemo | undefined =
    plan.target.kind === 'demo' ? await startDemo(plan.target.demo) : undefined;
  const baseUrl = plan.target.kind === 'url' ? plan.target.url : (demo as RunningDemo).url;
  return {
    kit: httpKit(plan, { baseUrl, feed }),
    targetDisplay: demo === undefined ? plan.targetDisplay : `${plan.targetDisplay} (${demo.url})`,
    stop: async () => demo?.stop(),
  };
}
