import type { ExitCode } from '../errors.js';
import type { ResolvedTransport } from '../engines/http/dial.js';
import type { GeneratorSample, ThreadFigures } from '../metrics/saturation.js';
import type { WireInterval } from '../metrics/snapshot-wire.js';
import type { Shard } from '../scenario/shard.js';
import type { RunFlags } from './run-options.js';

/**
 * The messages between `run` and its worker threads. A worker re-loads the scenario from its source (compiled
 * templates cannot cross threads), runs its slot of the load, and answers each flush with its interval.
 */

/** Where a plan comes from: the scenario file and the flags over it, or flags alone (ad-hoc run). */
export interface PlanSource {
  file: string | undefined;
  flags: RunFlags;
}

export interface WorkerSetup {
  source: PlanSource;
  /** Where load goes (a demo the main thread started, or the scenario's target). */
  baseUrl: string;
  /** This worker's generator slot: its thread nested in the run's --shard. */
  shard: Shard;
  /** TLS, proxy and protocol as the main thread settled them (pre-flight, ALPN, a TLS demo's certificate). */
  transport?: ResolvedTransport;
  /** An event run: the run id its envelopes carry, so the main thread's consumers know the messages as the run's. */
  runId?: string;
}

/**
 * `stop` ends the schedule early (in-flight work still finishes). An event run's producer threads also get the
 * receipts of their own producers' messages (RECEIPT_FIELDS numbers each, see consumer-host.ts), and `finish` once
 * the main thread's drain is over.
 */
export type ToWorker =
  | { type: 'start' }
  | { type: 'flush' }
  | { type: 'stop' }
  | { type: 'receipts'; queue: number; data: Float64Array }
  | { type: 'finish' };

/**
 * An event run's producer thread also says when its schedule is over (`scheduled`) and its publishes are settled
 * (`settled`), posts what its producers still await every few tens of ms (`status`, per queue; `oldest` is the
 * intended send time of the oldest, NaN when none), and ends with the intended send times of every message still
 * awaited (`leftover`, per queue).
 */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'interval'; interval: WireInterval; sample: GeneratorSample }
  | { type: 'done'; interval: WireInterval; figures: ThreadFigures; leftover?: Float64Array[] }
  | { type: 'failed'; message: string; exitCode: ExitCode }
  | { type: 'scheduled' }
  | { type: 'settled' }
  | { type: 'status'; outstanding: number[]; oldest: number[] };

/** What a worker thread runs for its workload: the load, its recorder's intervals, and its own messages. */
export interface ThreadJob {
  /** Flushes the thread's recorder(s) and hands the interval over for the main thread. */
  flush(send: (interval: WireInterval) => void): void;
  /** The load, until its schedule is done (or the signal stops it) and whatever the workload waits for. */
  run(signal: AbortSignal): Promise<void>;
  /** The messages beyond start, flush and stop (an event run's receipts and finish). */
  handle?(message: ToWorker): void;
  /** What the done message carries besides the interval (an event run: what its producers still await). */
  leftover?(): Float64Array[];
}
