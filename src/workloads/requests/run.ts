import { type RunScale, workerCount, workerShortfall } from '../../commands/scale.js';
import { threadedKit, WorkerGroup } from '../../commands/worker-group.js';
import { ClosedModelEngine } from '../../engines/http/closed-model.js';
import { OpenModelEngine } from '../../engines/http/open-model.js';
import type { Engine, RunContext } from '../../engines/engine.js';
import { IntervalRecorder } from '../../metrics/interval-recorder.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import { metricSource } from '../../result/run-result.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { ExecutionPlan, LoadPlan } from '../../scenario/plan.js';
import { redactUrl } from '../../scenario/redact.js';
import { WHOLE } from '../../scenario/shard.js';
import { startDemo, type RunningDemo } from '../../targets/launch.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { resolveTransport } from '../../commands/transport-setup.js';
import type { ConnectionFigures } from '../../engines/http/connect-stats.js';

/** The request engines by load model; worker threads pick theirs from here too. */
export const HTTP_ENGINES = {
  open: () => new OpenModelEngine(),
  closed: () => new ClosedModelEngine(),
} satisfies Record<LoadPlan['model'], () => Engine>;

/** Weighted requests against one target: one scope per request. A shard keeps per-second histograms for `merge`. */
export function httpKit(plan: ExecutionPlan, context: RunContext): RunKit {
  const names = plan.requests.map((r) => r.name);
  const recorder = new IntervalRecorder(names);
  const aggregator = new RunAggregator(names, { keepPointHistograms: true });
  let connections: ConnectionFigures | undefined;
  const engineContext: RunContext = { ...context, onConnections: (figures) => (connections = figures) };
  return {
    scopes: { names, methods: Object.fromEntries(plan.requests.map((r) => [r.name, r.method])) },
    serverUrl: redactUrl(context.baseUrl),
    recorder,
    aggregator,
    run: (signal) => HTTP_ENGINES[plan.load.model]().run(plan, engineContext, recorder, signal),
    metricSource: () => metricSource(aggregator),
    finish: (result) => (connections === undefined ? result : { ...result, connections: { target: connections } }),
  };
}

/** Starts the target's demo if it names one, and the worker threads when the run uses more than one. */
export async function prepareHttpRun(
  plan: ExecutionPlan,
  feed: DataFeed | undefined,
  scale: RunScale = {},
): Promise<PreparedRun> {
  const demoTls = plan.transport?.demoTls === true;
  const demo: RunningDemo | undefined =
    plan.target.kind === 'demo'
      ? await startDemo(plan.target.demo, { tls: demoTls, h2: !demoTls && plan.transport?.http === '2' })
      : undefined;
  try {
    const baseUrl = plan.target.kind === 'url' ? plan.target.url : (demo as RunningDemo).url;
    const transport = await resolveTransport(plan.transport, baseUrl, demo?.certificate);
    const kit = httpKit(plan, { baseUrl, feed, transport, ...(scale.shard && { shard: scale.shard }) });
    const workers = workerCount(plan, baseUrl, scale, feed?.size);
    const group =
      workers > 1 && scale.source !== undefined
        ? await WorkerGroup.start(kit.recorder, {
            source: scale.source,
            baseUrl,
            shard: scale.shard ?? WHOLE,
            count: workers,
            transport,
          })
        : undefined;
    const shortfall = workerShortfall(plan, scale, workers);
    return {
      kit: group === undefined ? kit : threadedKit(kit, group),
      targetDisplay: demo === undefined ? plan.targetDisplay : `${plan.targetDisplay} (${demo.url})`,
      ...(shortfall !== undefined && { notes: [shortfall] }),
      stop: async () => demo?.stop(),
    };
  } catch (err) {
    await demo?.stop();
    throw err;
  }
}
