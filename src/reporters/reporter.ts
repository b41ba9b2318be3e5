import type { IntervalSnapshot } from '../metrics/interval-recorder.js';
import type { GeneratorSample } from '../metrics/saturation.js';
import type { TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import type { SloVerdict } from '../slo/evaluate.js';
import type { LiveSection } from './section.js';

export type Awaitable<T> = T | Promise<T>;

/** What is known when load is about to start. */
export interface RunStart {
  runId: string;
  scenario: string;
  target: string;
  model: 'open' | 'closed';
  durationMs: number;
  requests: readonly string[];
  /** What one of `requests` is: "request" unless said otherwise ("queue" in event runs). */
  scopeNoun?: string;
  sloCount: number;
  /**
   * HTTP method per request name, and the base URL load goes to (credentials removed), for OTel attributes. A
   * scope without a method is not an HTTP request (an event publish): no HTTP duration is exported for it.
   */
  requestMethods?: Readonly<Record<string, string>>;
  serverUrl?: string;
  /** Base URL per scope when scopes go to different servers (flow steps), credentials removed. */
  scopeServers?: Readonly<Record<string, string>>;
  /** Broker destination per scope when scopes are queues (event runs). */
  destinations?: Readonly<Record<string, string>>;
}

/** The live view, once a second. */
export interface LiveUpdate {
  elapsedMs: number;
  durationMs: number;
  point: TimeseriesPoint;
  totalRequests: number;
  totalErrors: number;
  totalDropped: number;
  /**
   * The raw interval (per-request counts and latency histograms) for exporters that keep their own totals.
   * Valid only during the synchronous part of onInterval: the recorder reuses it right after.
   */
  interval?: IntervalSnapshot;
  /** SLO verdicts over the run so far. */
  verdicts?: readonly SloVerdict[];
  /** The generator's own health over the last interval. */
  generator?: GeneratorSample;
  /** What the workload adds to the second beside its request scopes (flows, services, queues); same validity. */
  sections?: readonly LiveSection[];
}

/**
 * Every hook but onEnd is optional, so a small reporter stays small. Hooks may return promises: the run awaits
 * them (onInterval's without holding up load) and goes on without a reporter whose hook fails.
 */
export interface Reporter {
  /** The output's name, as warnings show it (json, prometheus, ...). */
  readonly name?: string;
  onStart?(start: RunStart): Awaitable<void>;
  onInterval?(update: LiveUpdate): Awaitable<void>;
  /**
   * Sends the end of the run away (the Pushgateway push, the last OTLP export) before any reporter's onEnd, so a
   * failure is in the result and the summary; a failure is reported to the run's OutputWarnings, not thrown.
   * Bounded: the run waits at most END_DELIVERY_MS for every delivery together.
   */
  deliver?(result: RunResult): Awaitable<void>;
  onEnd(result: RunResult): Awaitable<void>;
  /** Releases servers and exporters (after onEnd, or after a failed run); may wait, e.g. a --linger. */
  close?(): Awaitable<void>;
}
