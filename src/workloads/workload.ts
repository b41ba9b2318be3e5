import type { IntervalRecorder, IntervalSnapshot } from '../metrics/interval-recorder.js';
import type { GeneratorHealth, GeneratorSample } from '../metrics/saturation.js';
import type { RunAggregator } from '../metrics/run-aggregator.js';
import type { LiveSection, SectionView } from '../reporters/section.js';
import type { RunResult } from '../result/run-result.js';
import type { DataFeed } from '../scenario/data-feed.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import type { RunScale } from '../commands/scale.js';
import type { MetricSource } from '../slo/evaluate.js';

/**
 * One kind of load (requests against a target, flows across services, publish/consume on a broker): a folder
 * under src/workloads/ that exports one Workload, listed in registry.ts. The run loop, reporters, compare and
 * merge reach a workload only through this interface.
 */
export interface Workload {
  /** True when the validated plan drives this workload (each plan drives exactly one). */
  drives(plan: ExecutionPlan): boolean;
  /** What `validate` says the plan would run, e.g. "3 requests". */
  describe(plan: ExecutionPlan): string;
  /** --shard can split its load across processes (--workers is each workload's own: see its prepare). */
  readonly splits: boolean;
  /** Starts what the run needs (demos, worker threads) and lends the run loop its kit. */
  prepare(plan: ExecutionPlan, context: PrepareContext): Promise<PreparedRun>;
  /** Its section of the result, for reporters, compare and merge; none when it adds nothing to the request scopes. */
  readonly section?: SectionView;
}

/** The workload's part of a plan that `drives` said is there. */
export function partOf<T>(part: T | undefined, what: string): T {
  if (part === undefined) throw new RangeError(`the plan has no ${what}`);
  return part;
}

export interface PrepareContext {
  feed: DataFeed | undefined;
  scale: RunScale;
}

/** The scopes a run records requests under, as reporters name and label them. */
export interface RunScopes {
  /** Scope names of the recorder, shown at start and used as exporter labels (requests, steps, queues). */
  readonly names: readonly string[];
  /** What one scope is, for people: "request" unless said otherwise. */
  readonly noun?: string;
  /** HTTP method per scope name; a scope without one is not an HTTP request (an event publish). */
  readonly methods: Readonly<Record<string, string>>;
  /** Base URL per scope when scopes go to different servers (a flow step to its service's), credentials removed. */
  readonly servers?: Readonly<Record<string, string>>;
  /** The broker destination (queue, topic, stream, subject) per scope, when scopes are queues. */
  readonly destinations?: Readonly<Record<string, string>>;
}

/**
 * What a prepared workload lends the common run loop: its recorder and aggregator, how to drive load, how SLOs
 * see its scopes, its live section and what it adds to the result. run.ts's drive() owns everything else
 * (reporters, the one-second tick, early abort, the generator's health).
 */
export interface RunKit {
  readonly scopes: RunScopes;
  /** The one base URL load goes to (credentials removed), when there is one. */
  readonly serverUrl: string | undefined;
  readonly recorder: IntervalRecorder;
  readonly aggregator: RunAggregator;
  /** Drives load until the plan is done or `signal` aborts, then drains. */
  run(signal: AbortSignal): Promise<void>;
  metricSource(): MetricSource;
  /** The result with the workload's own section added. */
  finish(result: RunResult): RunResult;
  /** Called during the recorder's flush: the workload's side of the second being reported, if it has one. */
  live?(interval: IntervalSnapshot): LiveSection | undefined;
  /** Load in worker threads: gathers their intervals into the recorder; each tick awaits it before flushing. */
  collect?(): Promise<void>;
  /** Load in worker threads: their health (the worst of them) rather than the main thread's. */
  generatorSample?(): GeneratorSample;
  generatorHealth?(model: 'open' | 'closed', sendDelayP99Ms: number): GeneratorHealth;
}

/** A kit ready to run, the target as shown to users, and how to release what was started for it (demos). */
export interface PreparedRun {
  kit: RunKit;
  targetDisplay: string;
  /** What the run does differently from what was asked, and why, printed before load starts. */
  notes?: readonly string[];
  stop(): Promise<void>;
}
