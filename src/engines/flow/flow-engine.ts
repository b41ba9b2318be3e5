import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS } from '../engine.js';
import type { StepPlan } from '../../scenario/flow-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { Outcome } from '../http/http-sender.js';
import { FlowSender, PoolSet } from './flow-sender.js';
import { GrpcStepSender } from './grpc-step-sender.js';
import type { TransportPlan } from '../../scenario/transport-plan.js';

/** What a flow run resolved before starting: each service's base URL (by service index) and the data rows. */
export interface FlowRunContext {
  serviceUrls: readonly string[];
  feed: DataFeed | undefined;
  /** Each service's TLS options, HTTP version and proxy (by service index); absent: plain defaults. */
  serviceTransports?: readonly (TransportPlan | undefined)[];
}

/** Drives flow iterations for a plan and pushes what happened into the sink; returns once drained. */
export interface FlowEngine {
  run(flows: FlowsPlan, load: LoadPlan, context: FlowRunContext, sink: FlowSink, signal: AbortSignal): Promise<void>;
}

/** However long flows are, a finished schedule waits no longer than this for running iterations (as k6's gracefulStop). */
const MAX_DRAIN_MS = 30_000;

/** How long running iterations may take to finish once the schedule is over (or, after a stop, much less). */
export function drainBudgetMs(flows: FlowsPlan, aborted: boolean): number {
  if (aborted) return ABORT_DRAIN_MS;
  const longest = Math.max(
    ...flows.flows.map((f) =>
      f.steps.reduce((sum, s) => sum + (flows.services[s.service]?.timeoutMs ?? 0) + s.thinkMs[1], 0),
    ),
  );
  return Math.min(MAX_DRAIN_MS, longest + 1000);
}

/** How a step reaches its service: over HTTP (FlowSender) or gRPC (GrpcStepSender), one contract. */
export interface StepSender {
  send(step: StepPlan, ctx: TemplateContext, vars: Record<string, string>, traceparent: string): Promise<Outcome>;
}

/** One sender per service; HTTP services on one origin share its connection pool, a gRPC one has its channel. */
export function openSenders(
  flows: FlowsPlan,
  context: FlowRunContext,
  connections: number,
): { senders: StepSender[]; pools: { close(): Promise<void> } } {
  const pools = new PoolSet(connections);
  const channels: GrpcStepSender[] = [];
  const senders = flows.services.map((s): StepSender => {
    const url = context.serviceUrls[s.index];
    if (url === undefined) throw new RangeError(`no URL for service ${s.name}`);
    if (s.grpc === undefined) return new FlowSender(pools, url, s.timeoutMs, context.serviceTransports?.[s.index]);
    const sender = new GrpcStepSender(url, s.timeoutMs);
    channels.push(sender);
    return sender;
  });
  const close = async (): Promise<void> => {
    for (const c of channels) c.close();
    await pools.close();
  };
  return { senders, pools: { close } };
}
