import type { SampleSink } from '../metrics/interval-recorder.js';
import type { DataFeed } from '../scenario/data-feed.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import type { Shard } from '../scenario/shard.js';
import type { ConnectionFigures } from './http/connect-stats.js';
import type { ResolvedTransport } from './http/dial.js';

/** What a run resolved before starting: where load goes (a demo has been started) and the data rows. */
export interface RunContext {
  baseUrl: string;
  feed: DataFeed | undefined;
  /**
   * This generator's part of the run when it is split across shards and worker threads: it runs its share of
   * connections or arrivals, and its own stride of `{{seq}}` values. Absent: the whole run.
   */
  shard?: Shard;
  /** TLS, proxy and HTTP version, settled before load (ALPN for `http: auto`, a TLS demo's certificate). */
  transport?: ResolvedTransport;
  /** Hears how the connections were made (protocol, connect and TLS handshake times) when the engine ends. */
  onConnections?: (figures: ConnectionFigures) => void;
}

/**
 * An engine drives load for a plan and pushes samples into the sink; it does not know who listens.
 * It returns when the schedule is done and in-flight work has drained, or soon after `signal` aborts.
 */
export interface Engine {
  run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void>;
}

/** After an abort, in-flight requests get this long to finish before they are cut (and not counted). */
export const ABORT_DRAIN_MS = 1000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until the caller's work goes idle (it calls the `wake` it was handed) or `maxMs` passes, whichever is
 * first: how a runner drains what is in flight at the end of a run, without waiting on a stalled target forever.
 */
export function idleOrTimeout(maxMs: number, register: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    register(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Waits for `promise` (its outcome ignored) at most `ms`: a broker that is gone must not hold a run's end. */
export async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise?.catch(() => undefined), late]);
  clearTimeout(timer);
}

/** Resolves when `signal` aborts (at once if it already has); never rejects. */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
