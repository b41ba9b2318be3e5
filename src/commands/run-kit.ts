import type { LiveEvents } from '../metrics/event-run-recorder.js';
import type { LiveFlows } from '../metrics/flow-recorder.js';
import type { IntervalRecorder } from '../metrics/interval-recorder.js';
import type { GeneratorSample } from '../metrics/saturation.js';
import type { GeneratorHealth } from '../metrics/saturation.js';
import type { RunAggregator } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import type { MetricSource } from '../slo/evaluate.js';

/**
 * What one kind of workload (requests against a target, flows across services) lends the common run loop:
 * its recorder and aggregator, how to drive load, how SLOs see its scopes, and what it adds to the result.
 * run.ts's drive() owns everything else (reporters, the one-second tick, early abort, the generator's health).
 */
export interface RunKit {
  /** Scope names of the recorder, shown at start and used as exporter labels (requests, or flow steps). */
  readonly scopeNames: readonly string[];
  /** What one scope is, for people: "request" unless said otherwise (an event run's scopes are queues). */
  readonly scopeNoun?: string;
  /** HTTP method per scope name, for exporters' attributes. */
  readonly requestMethods: Readonly<Record<string, string>>;
  /** The one base URL load goes to (credentials removed), when there is one. */
  readonly serverUrl: string | undefined;
  readonly recorder: IntervalRecorder;
  readonly aggregator: RunAggregator;
  /** Drives load until the plan is done or `signal` aborts, then drains. */
  run(signal: AbortSignal): Promise<void>;
  metricSource(): MetricSource;
  /** The result with the workload's own parts added. */
  finish(result: RunResult): RunResult;
  /** Event runs: the event side of the second being reported (called during the recorder's flush). */
  liveEvents?(): LiveEvents | undefined;
  /** Flow runs: flows, services and skipped steps of the second being reported (called during the flush). */
  liveFlows?(): LiveFlows | undefined;
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
  stop(): Promise<void>;
}
