import type { FlowTotals } from '../../metrics/flow-recorder.js';
import { encodeHistogram } from '../../metrics/histogram.js';
import { type RunAggregator, type ScopeMetrics, scopeMetrics } from '../../metrics/run-aggregator.js';
import type { GroupScopeMetrics, ScopeTable } from '../../metrics/scope-table.js';
import type { TraceExemplar } from '../../metrics/trace-exemplars.js';
import type { MetricSource } from '../../slo/evaluate.js';
import type { RunResult } from '../../result/run-result.js';

/**
 * What a flow run adds to the result. Each scope has the shape of `metrics`, where for a flow `requests`
 * counts iterations, `errors` failed iterations and `latencyMs` iteration durations; `timeMs` is the total time
 * spent in the scope, from which reports take each service's share of the flows' time.
 */
export interface StepMetrics extends GroupScopeMetrics {
  flow: string;
  service: string;
}

export interface ServiceMetrics extends ScopeMetrics {
  timeMs: number;
}

export interface FlowScopesMetrics {
  byFlow: Record<string, GroupScopeMetrics>;
  byStep: Record<string, StepMetrics>;
  byService: Record<string, ServiceMetrics>;
}

export interface FlowResultParts extends FlowScopesMetrics {
  /** W3C trace ids of the slowest iterations and of the first failed ones, to open in Jaeger or Tempo. */
  traces: { slowest: TraceExemplar[]; failed: TraceExemplar[] };
  /** Iterations finished and failed per second (`t` as in the run's time series): what the schedule's rate aims at. */
  flowTimeseries: FlowPoint[];
}

export interface FlowPoint {
  t: number;
  iterations: number;
  failed: number;
}

export interface FlowHistograms {
  byFlow: Record<string, string>;
  byStep: Record<string, string>;
  byService: Record<string, string>;
}

function tableMetrics(table: ScopeTable, elapsedMs: number): Record<string, GroupScopeMetrics> {
  return Object.fromEntries(table.names.map((name, i) => [name, table.metrics(i, elapsedMs)]));
}

export function flowScopesMetrics(aggregator: RunAggregator, totals: FlowTotals): FlowScopesMetrics {
  const elapsed = aggregator.rateWindowMs;
  const { scopes } = totals;
  const requests = aggregator.byScope();
  const byStep: Record<string, StepMetrics> = {};
  scopes.steps.forEach((step, i) => {
    const base = requests[step.name];
    if (base === undefined) return;
    byStep[step.name] = {
      ...base,
      skipped: totals.stepSkipped[i] ?? 0,
      timeMs: Math.round(totals.stepTimeMs[i] ?? 0),
      flow: scopes.flows[step.flow]?.name ?? '',
      service: scopes.services[step.service] ?? '',
    };
  });
  const byService: Record<string, ServiceMetrics> = {};
  for (const [name, { skipped: _skipped, ...m }] of Object.entries(tableMetrics(totals.services, elapsed))) {
    byService[name] = m;
  }
  return { byFlow: tableMetrics(totals.flows, elapsed), byStep, byService };
}

/**
 * An object whose properties are computed on first read. SLOs name a few scopes; summarising every
 * histogram each second for the others would cost the event loop for nothing.
 */
function lazyRecord<T>(names: readonly string[], compute: (name: string, i: number) => T): Record<string, T> {
  const out: Record<string, T> = {};
  names.forEach((name, i) => {
    Object.defineProperty(out, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        const value = compute(name, i);
        Object.defineProperty(out, name, { value, enumerable: true });
        return value;
      },
    });
  });
  return out;
}

/** The SLO evaluator's view of a flow run: global figures are over every HTTP request, scopes per flow/step/service. */
export function flowMetricSource(aggregator: RunAggregator, totals: FlowTotals): MetricSource {
  const elapsed = aggregator.rateWindowMs;
  const { flows, services, steps } = totals.scopes;
  const stepMetrics = (name: string): ScopeMetrics => {
    const t = aggregator.scopes.get(name);
    if (t === undefined) throw new RangeError(`no step scope ${name}`);
    return scopeMetrics(t, elapsed);
  };
  return {
    global: aggregator.metrics(),
    scopes: {
      flow: lazyRecord(
        flows.map((f) => f.name),
        (_, i) => totals.flows.metrics(i, elapsed),
      ),
      step: lazyRecord(
        steps.map((s) => s.name),
        stepMetrics,
      ),
      service: lazyRecord(services, (_, i) => totals.services.metrics(i, elapsed)),
    },
  };
}

function tableHistograms(table: ScopeTable): Record<string, string> {
  return Object.fromEntries(table.names.map((name, i) => [name, encodeHistogram(table.row(i).latency)]));
}

/** The result of a flow run: steps appear under byStep (not byRequest), with flows, services and traces beside. */
export function withFlows(result: RunResult, aggregator: RunAggregator, totals: FlowTotals): RunResult {
  const stepHistograms = result.histograms.byRequest;
  return {
    ...result,
    byRequest: {},
    ...flowScopesMetrics(aggregator, totals),
    traces: totals.exemplars.list(totals.scopes.flows.map((f) => f.name)),
    flowTimeseries: totals.perSecond.map((p, i) => ({ t: result.timeseries[i]?.t ?? i + 1, ...p })),
    histograms: {
      ...result.histograms,
      byRequest: {},
      byFlow: tableHistograms(totals.flows),
      byStep: stepHistograms,
      byService: tableHistograms(totals.services),
    },
  };
}
