import type { LiveFlows } from '../../metrics/flow-recorder.js';
import type { IntervalSnapshot } from '../../metrics/interval-recorder.js';
import type { LiveSection, MetricEmitter } from '../../reporters/section.js';

/**
 * Flows, services and steps (with their flow and service, so a board can say which service a slow step waits
 * on) of one second. Steps are the request scopes, so their latency comes from the request interval.
 */
function emitFlows(flows: LiveFlows, interval: IntervalSnapshot, out: MetricEmitter): void {
  const { scopes } = flows;
  scopes.flows.forEach(({ name }, i) => {
    const row = flows.flows.row(i);
    out.count('flowIterations', { flow: name }, row.requests);
    out.count('flowErrors', { flow: name }, row.errors);
    out.latency('flowDuration', { flow: name }, row.latency);
  });
  scopes.services.forEach((service, i) => {
    const row = flows.services.row(i);
    out.count('serviceRequests', { service }, row.requests);
    out.count('serviceErrors', { service }, row.errors);
    out.latency('serviceDuration', { service }, row.latency);
  });
  scopes.steps.forEach((step, i) => {
    const flow = scopes.flows[step.flow]?.name ?? '';
    const latency = interval.scopes.get(step.name)?.latency;
    if (latency !== undefined)
      out.latency('stepDuration', { flow, step: step.name, service: scopes.services[step.service] ?? '' }, latency);
    out.count('stepsSkipped', { flow, step: step.name }, flows.stepSkipped[i] ?? 0);
  });
}

/** A flow run's live section: its series beside the steps' request figures. */
export function liveFlows(flows: LiveFlows | undefined, interval: IntervalSnapshot): LiveSection | undefined {
  if (flows === undefined) return undefined;
  return { emit: (out) => emitFlows(flows, interval, out) };
}
