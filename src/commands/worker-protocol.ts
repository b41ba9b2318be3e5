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
}

export type ToWorker = { type: 'start' } | { type: 'flush' } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'interval'; interval: WireInterval; sample: GeneratorSample }
  | { type: 'done'; interval: WireInterval; figures: ThreadFigures }
  | { type: 'failed'; message: string; exitCode: ExitCode };
