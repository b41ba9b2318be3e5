import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS } from '../engine.js';
import { FlowSender, PoolSet } from './flow-sender.js';
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

/** One sender per service; services on one origin share its connection pool. */
export function openSenders(
  flows: FlowsPlan,
  context: FlowRunContext,
  connections: number,
): { senders: FlowSender[]; pools: PoolSet } {
  const pools = new PoolSet(connections);
  const senders = flows.services.map((s) => {
    const url = context.serviceUrls[s.index];
    if (url === undefined) throw new RangeError(`no URL for service ${s.name}`);
    return new FlowSender(pools, url, s.timeoutMs, context.serviceTransports?.[s.index]);
  });
  return { senders, pools };
}
