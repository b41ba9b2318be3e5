import { FlowClosedModelEngine } from '../../engines/flow/closed-model.js';
import type { FlowEngine } from '../../engines/flow/flow-engine.js';
import { FlowOpenModelEngine } from '../../engines/flow/open-model.js';
import { checkReachable } from '../../engines/flow/reachability.js';
import { RunError } from '../../errors.js';
import { FlowRecorder, type FlowScopes, FlowTotals } from '../../metrics/flow-recorder.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { FlowsPlan } from '../../scenario/flow-plan.js';
import type { ExecutionPlan, LoadPlan } from '../../scenario/plan.js';
import { demoNames, type RunningDemo, startDemo } from '../../targets/launch.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { liveFlows } from './live.js';
import { flowMetricSource, withFlows } from './section.js';
import { checkServiceTls } from '../../commands/transport-setup.js';
import type { TransportPlan } from '../../scenario/transport-plan.js';

const FLOW_ENGINES = {
  open: () => new FlowOpenModelEngine(),
  closed: () => new FlowClosedModelEngine(),
} satisfies Record<LoadPlan['model'], () => FlowEngine>;

function flowScopes(flows: FlowsPlan): FlowScopes {
  return {
    flows: flows.flows.map((f) => ({ name: f.name, firstStep: f.steps[0]?.index ?? 0 })),
    steps: flows.steps.map((s) => ({ name: s.name, flow: s.flow, service: s.service })),
    services: flows.services.map((s) => s.name),
  };
}

/** A base URL as exporters may show it: origin only (no user:password, no path or query). */
function withoutCredentials(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    // Not .origin: for grpc:// (not a special scheme) it is "null".
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}

/** Flows across services: steps are the recorder's scopes; flows, services and traces are kept beside. */
export function flowKit(
  plan: ExecutionPlan,
  flows: FlowsPlan,
  serviceUrls: readonly string[],
  feed: DataFeed | undefined,
  serviceTransports?: readonly (TransportPlan | undefined)[],
): RunKit {
  const totals = new FlowTotals(flowScopes(flows));
  const recorder = new FlowRecorder(totals.scopes, totals);
  const names = flows.steps.map((s) => s.name);
  const aggregator = new RunAggregator(names, { keepPointHistograms: true });
  return {
    scopes: {
      names,
      noun: 'step',
      methods: Object.fromEntries(flows.steps.map((s) => [s.name, s.request.method])),
      // Where each step goes, as its service's URL without credentials (server.address and server.port in OTLP).
      servers: Object.fromEntries(flows.steps.map((s) => [s.name, withoutCredentials(serviceUrls[s.service])])),
    },
    serverUrl: undefined,
    recorder,
    aggregator,
    run: (signal) =>
      FLOW_ENGINES[plan.load.model]().run(flows, plan.load, { serviceUrls, feed, serviceTransports }, recorder, signal),
    metricSource: () => flowMetricSource(aggregator, totals),
    live: (interval) => liveFlows(recorder.live(), interval),
    finish: (result) => withFlows(result, aggregator, totals),
  };
}

/** The result says which protocol each service spoke (`connections`, by service name). */
function withProtocols(kit: RunKit, flows: FlowsPlan, protocols: readonly string[]): RunKit {
  const connections = Object.fromEntries(
    flows.services.map((s, i) => [s.name, { protocol: protocols[i] ?? 'http/1.1' }]),
  );
  return { ...kit, finish: (result) => ({ ...kit.finish(result), connections }) };
}

async function startFlowDemo(flows: FlowsPlan): Promise<RunningDemo | undefined> {
  if (flows.demo === undefined) return undefined;
  const name = demoNames().find((n) => n === flows.demo);
  if (name === undefined) throw new RunError(`demo ${flows.demo} is not available`);
  return startDemo(name);
}

/** Each service's base URL, by service index: from the scenario, or from the demo that provides them. */
function serviceUrls(flows: FlowsPlan, demo: RunningDemo | undefined): string[] {
  return flows.services.map((s) => {
    const url = s.url ?? demo?.services[s.name];
    if (url === undefined) throw new RunError(`service ${s.name}: the demo ${flows.demo ?? ''} did not start it`);
    return url;
  });
}

/** Starts the demo (if any), then checks every service answers before any load: a dead one is exit 3, named. */
export async function prepareFlowRun(
  plan: ExecutionPlan,
  flows: FlowsPlan,
  feed: DataFeed | undefined,
): Promise<PreparedRun> {
  const demo = await startFlowDemo(flows);
  try {
    const urls = serviceUrls(flows, demo);
    await checkReachable(flows.services.map((s, i) => ({ name: s.name, url: urls[i] ?? '' })));
    const transports = flows.services.map((s) => plan.serviceTransports?.[s.name] ?? plan.transport);
    const tls = await checkServiceTls(flows.services, urls, transports);
    const protocols = tls.map((p, i): string => (flows.services[i]?.grpc === undefined ? p : 'grpc'));
    const shown = demo === undefined ? plan.targetDisplay : `demo:${demo.name} (${flows.services.length} services)`;
    const kit = withProtocols(flowKit(plan, flows, urls, feed, transports), flows, protocols);
    return { kit, targetDisplay: shown, stop: async () => demo?.stop() };
  } catch (err) {
    await demo?.stop();
    throw err;
  }
}
