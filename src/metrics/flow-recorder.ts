import type { ErrorKind } from './error-kinds.js';
import { type IntervalSnapshot, IntervalRecorder, type SampleSink } from './interval-recorder.js';
import { ScopeTable } from './scope-table.js';
import { TraceExemplars } from './trace-exemplars.js';

/** The scopes of a flow run, by index, fixed at plan time. */
export interface FlowScopes {
  flows: readonly { name: string; firstStep: number }[];
  steps: readonly { name: string; flow: number; service: number }[];
  services: readonly string[];
}

/**
 * What a flow engine reports. Steps are the request scopes of the underlying SampleSink, so the run totals
 * (requests, errors by kind, latency) count every HTTP request exactly as a monolith run does.
 */
export interface FlowSink extends SampleSink {
  /** A step's request finished: counted for the step, the run total and the step's service; `status` 0 when no response came. */
  step(
    step: number,
    service: number,
    latencyMs: number | undefined,
    error: ErrorKind | undefined,
    status: number,
  ): void;
  /** A step that could not run because a variable it needs was never captured. */
  skipped(step: number, flow: number): void;
  /** An iteration finished, from its intended start; failed when any step failed or was skipped. */
  iteration(flow: number, durationMs: number, failed: boolean, traceId: string): void;
  /** An open-model iteration that could not start (in-flight cap): dropped for the flow and its first step. */
  flowDropped(flow: number, count?: number): void;
}

/** Run totals of the flow-only scopes (flows, services, skipped steps, exemplars); steps live in RunAggregator. */
export class FlowTotals {
  readonly flows: ScopeTable;
  readonly services: ScopeTable;
  readonly stepSkipped: number[];
  /** Time spent in each step (ms), exact. */
  readonly stepTimeMs: number[];
  readonly exemplars = new TraceExemplars();
  /** Iterations finished (and failed) in each second, in the order of the run's time series. */
  readonly perSecond: { iterations: number; failed: number }[] = [];

  constructor(readonly scopes: FlowScopes) {
    this.flows = new ScopeTable(scopes.flows.map((f) => f.name));
    this.services = new ScopeTable(scopes.services);
    this.stepSkipped = scopes.steps.map(() => 0);
    this.stepTimeMs = scopes.steps.map(() => 0);
  }

  add(interval: FlowRecorderInterval): void {
    this.flows.addFrom(interval.flows);
    this.services.addFrom(interval.services);
    interval.stepSkipped.forEach((n, i) => (this.stepSkipped[i] = (this.stepSkipped[i] ?? 0) + n));
    interval.stepTimeMs.forEach((ms, i) => (this.stepTimeMs[i] = (this.stepTimeMs[i] ?? 0) + ms));
    this.exemplars.addFrom(interval.exemplars);
    let iterations = 0;
    let failed = 0;
    for (let i = 0; i < interval.flows.names.length; i++) {
      const row = interval.flows.row(i);
      iterations += row.requests;
      failed += row.errors;
    }
    this.perSecond.push({ iterations, failed });
  }
}

interface FlowRecorderInterval {
  flows: ScopeTable;
  services: ScopeTable;
  stepSkipped: number[];
  stepTimeMs: number[];
  exemplars: TraceExemplars;
}

/**
 * The flow side of the second being reported, beside the request interval (whose scopes are the steps), for
 * exporters that keep their own totals. Valid only during the synchronous part of the flush's consumer.
 */
export interface LiveFlows {
  scopes: FlowScopes;
  /** By flow index: iterations (`requests`), failed ones, drops, skipped steps, and iteration durations. */
  flows: ScopeTable;
  /** By service index: the flow requests each service answered, and their latency. */
  services: ScopeTable;
  /** By step index: steps that could not run for want of a captured value. */
  stepSkipped: readonly number[];
}

/**
 * The hot-path sink of a flow run: an IntervalRecorder whose scopes are the steps, plus fixed tables for
 * flows and services. Nothing is allocated per request or per iteration (an exemplar only when it is kept).
 * Each flush hands the flow scopes to their totals first, so SLOs read one consistent interval.
 */
export class FlowRecorder extends IntervalRecorder implements FlowSink {
  private readonly interval: FlowRecorderInterval;
  /** Set while a flush hands the interval out. */
  private current: LiveFlows | undefined;

  constructor(
    private readonly flowScopes: FlowScopes,
    private readonly totals: FlowTotals,
  ) {
    super(flowScopes.steps.map((s) => s.name));
    this.interval = {
      flows: new ScopeTable(flowScopes.flows.map((f) => f.name)),
      services: new ScopeTable(flowScopes.services),
      stepSkipped: flowScopes.steps.map(() => 0),
      stepTimeMs: flowScopes.steps.map(() => 0),
      exemplars: new TraceExemplars(),
    };
  }

  step(
    step: number,
    service: number,
    latencyMs: number | undefined,
    error: ErrorKind | undefined,
    status: number,
  ): void {
    this.request(step, latencyMs, error, status);
    this.interval.services.record(service, latencyMs, error !== undefined);
    const times = this.interval.stepTimeMs;
    if (latencyMs !== undefined) times[step] = (times[step] ?? 0) + latencyMs;
  }

  skipped(step: number, flow: number): void {
    const counts = this.interval.stepSkipped;
    counts[step] = (counts[step] ?? 0) + 1;
    this.interval.flows.skip(flow);
  }

  iteration(flow: number, durationMs: number, failed: boolean, traceId: string): void {
    this.interval.flows.record(flow, durationMs, failed);
    this.interval.exemplars.offer(traceId, flow, durationMs, failed);
  }

  flowDropped(flow: number, count = 1): void {
    const first = this.flowScopes.flows[flow]?.firstStep;
    if (first === undefined) throw new RangeError(`unknown flow ${flow}`);
    this.interval.flows.drop(flow, count);
    this.dropped(first, count);
  }

  override flush(elapsedMs: number, consume: (snapshot: IntervalSnapshot) => void): void {
    const { flows, services, stepSkipped, stepTimeMs, exemplars } = this.interval;
    this.totals.add(this.interval);
    // The flow tables are reset after the request interval is consumed, so exporters see both of one second.
    this.current = { scopes: this.flowScopes, flows, services, stepSkipped };
    try {
      super.flush(elapsedMs, consume);
    } finally {
      this.current = undefined;
    }
    flows.reset();
    services.reset();
    stepSkipped.fill(0);
    stepTimeMs.fill(0);
    exemplars.reset();
  }

  /** During a flush's `consume`: the flow side of the same second. */
  live(): LiveFlows | undefined {
    return this.current;
  }
}
