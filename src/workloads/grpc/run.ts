import { ABORT_DRAIN_MS } from '../../engines/engine.js';
import { GrpcChannel } from '../../engines/grpc/grpc-caller.js';
import { grpcCredentials } from '../../engines/grpc/grpc-credentials.js';
import { GrpcRunner } from '../../engines/grpc/grpc-runner.js';
import { peakUsers, runClosedUnits } from '../../engines/units/closed-units.js';
import { runOpenUnits } from '../../engines/units/open-units.js';
import type { UnitLoad } from '../../engines/units/unit-runner.js';
import { RunError } from '../../errors.js';
import { GrpcRecorder } from '../../metrics/grpc-recorder.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import { metricSource } from '../../result/run-result.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { GrpcRunPlan } from '../../scenario/grpc/grpc-run-plan.js';
import type { ExecutionPlan, LoadPlan } from '../../scenario/plan.js';
import { type RunningDemo, startDemo } from '../../targets/launch.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { grpcSection } from './section.js';

/** grpc-js multiplexes calls on an HTTP/2 connection; one channel per this many concurrent calls spreads them. */
const CALLS_PER_CHANNEL = 25;
const MAX_CHANNELS = 16;
/** How long the server has to accept the channels before the run is refused (exit 3): a connect, not a call. */
const READY_TIMEOUT_MS = 5000;

const UNIT_MODELS = { open: runOpenUnits, closed: runClosedUnits } satisfies Record<
  LoadPlan['model'],
  (load: UnitLoad, signal: AbortSignal) => Promise<void>
>;

function channelCount(load: LoadPlan): number {
  const concurrent = load.model === 'closed' ? peakUsers(load) : Math.min(load.maxInFlight, 100);
  return Math.max(1, Math.min(MAX_CHANNELS, Math.ceil(concurrent / CALLS_PER_CHANNEL)));
}

/** Calls to one gRPC server: each request is a scope; streams add their figures to the result. */
export function grpcKit(
  plan: ExecutionPlan,
  grpc: GrpcRunPlan,
  channels: GrpcChannel[],
  feed: DataFeed | undefined,
): RunKit {
  const names = grpc.requests.map((r) => r.name);
  const recorder = new GrpcRecorder(names);
  const aggregator = new RunAggregator(names, { keepPointHistograms: true });
  const runner = new GrpcRunner(grpc.requests, channels, recorder, feed, plan.timeoutMs);
  const drainBudgetMs = (aborted: boolean): number => (aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
  return {
    scopes: { names, noun: 'call', methods: {} },
    serverUrl: undefined,
    recorder,
    aggregator,
    run: async (signal) => {
      await UNIT_MODELS[plan.load.model]({ load: plan.load, runner, sink: recorder, drainBudgetMs }, signal);
      for (const c of channels) c.close();
    },
    metricSource: () => metricSource(aggregator),
    finish: (result) => ({ ...result, grpc: grpcSection(grpc.requests, recorder.streams) }),
  };
}

/**
 * Starts the demo if the target names it, opens the channels and waits until the server answers (exit 3 if not).
 * A stop during that wait ends it at once: the run then makes no call and is written as interrupted.
 */
export async function prepareGrpcRun(
  plan: ExecutionPlan,
  grpc: GrpcRunPlan,
  feed: DataFeed | undefined,
  signal?: AbortSignal,
): Promise<PreparedRun> {
  const demo: RunningDemo | undefined = plan.target.kind === 'demo' ? await startDemo(plan.target.demo) : undefined;
  const endpoint = grpc.endpoint ?? { address: new URL((demo as RunningDemo).url).host, tls: false };
  const channels = Array.from(
    { length: channelCount(plan.load) },
    (_, i) => new GrpcChannel(endpoint.address, grpcCredentials(plan, endpoint.tls), i),
  );
  try {
    await Promise.all(channels.map((c) => c.ready(READY_TIMEOUT_MS, signal)));
    // Stopped while waiting: the channels are done with (no call will be made), so nothing keeps retrying.
    if (signal?.aborted === true) for (const c of channels) c.close();
  } catch (err) {
    for (const c of channels) c.close();
    await demo?.stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new RunError(`gRPC server ${plan.targetDisplay} is not reachable: ${why}`);
  }
  return {
    kit: grpcKit(plan, grpc, channels, feed),
    targetDisplay: demo === undefined ? plan.targetDisplay : `${plan.targetDisplay} (${demo.url})`,
    stop: async () => demo?.stop(),
  };
}
