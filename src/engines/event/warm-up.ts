import { randomUUID } from 'node:crypto';
import type { BrokerAdapter, OutgoingMessage } from './broker-adapter.js';
import { untilAborted, within, yieldToLoop } from '../engine.js';

/** Messages each broker client is warmed with: enough for V8 to optimise the library's per-message paths. */
export const WARM_UP_MESSAGES = 2000;
/** At most this many of them unconfirmed at once, as a run's window would have. */
const WARM_UP_WINDOW = 500;
/** Starts between two yields to the event loop, so the library's replies and reads interleave as in a run. */
const STARTS_PER_TURN = 50;
/** A warm-up still publishing after this is stopped: the run starts, cold. */
const WARM_UP_LIMIT_MS = 5000;
/** The adapters' own connect timeout, which a warm-up's twin may take in full. */
const CONNECT_ALLOWANCE_MS = 3000;
/** Each step of a warm-up's clean-up (consumer stop, removal, close) is waited for this long at most. */
const CLEANUP_WAIT_MS = 1000;
/**
 * How long a warm-up is waited for in all: connecting and preparing do not watch the signal, and a broker that
 * stalls must not hold the run's start. What is still going then finishes (or not) in the background.
 */
const WARM_UP_HARD_LIMIT_MS = WARM_UP_LIMIT_MS + CONNECT_ALLOWANCE_MS + 3 * CLEANUP_WAIT_MS;

/** Broker clients (by adapter name) already warmed in this thread: once is enough, a capacity search runs many. */
const warmed = new Set<string>();

/** One producer connection of the run and a message like the ones it will publish. */
export interface WarmUpSubject {
  readonly adapter: BrokerAdapter;
  readonly sample: OutgoingMessage;
  /**
   * The queue's `create`: false says the broker's objects are the application's, not ours to make, so no scratch
   * destination is made there either (the run starts cold).
   */
  readonly mayCreate: boolean;
}

/**
 * Warms each broker's client library once per thread, before the clock starts, on the adapter's own scratch
 * destination (see BrokerAdapter.warmUp). Best effort: a warm-up that fails (a broker that refuses to create the
 * scratch destination, say) or outlasts WARM_UP_LIMIT_MS only means the run starts cold, so neither is reported;
 * the run's own connection and destination were already set up and checked.
 */
export async function warmUpClients(subjects: readonly WarmUpSubject[], signal: AbortSignal): Promise<void> {
  for (const { adapter, sample, mayCreate } of subjects) {
    if (adapter.warmUp === undefined || !mayCreate || warmed.has(adapter.broker) || signal.aborted) continue;
    warmed.add(adapter.broker);
    const stop = new AbortController();
    const quit = (): void => stop.abort();
    signal.addEventListener('abort', quit, { once: true });
    const limit = setTimeout(quit, WARM_UP_LIMIT_MS);
    try {
      await within(adapter.warmUp(sample, WARM_UP_MESSAGES, stop.signal), WARM_UP_HARD_LIMIT_MS);
    } finally {
      clearTimeout(limit);
      signal.removeEventListener('abort', quit);
    }
  }
}

/**
 * Publishes `count` messages with `publish`, at most WARM_UP_WINDOW unconfirmed, yielding to the event loop every
 * few starts; resolves once each has settled (failures included: a warm-up counts nothing) or at `signal`.
 */
export async function publishForWarmUp(
  count: number,
  publish: () => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let inFlight = 0;
  let settled = 0;
  let wake: (() => void) | undefined;
  const done = (): void => {
    inFlight--;
    settled++;
    wake?.();
  };
  const waitForRoom = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  signal.addEventListener('abort', () => wake?.(), { once: true });
  for (let started = 0; started < count && !signal.aborted;) {
    for (let n = 0; n < STARTS_PER_TURN && started < count && inFlight < WARM_UP_WINDOW; n++, started++) {
      inFlight++;
      publish().then(done, done);
    }
    if (inFlight >= WARM_UP_WINDOW) await waitForRoom();
    else await yieldToLoop();
  }
  while (settled < count && inFlight > 0 && !signal.aborted) await waitForRoom();
}

/** Connection trouble of a warm-up's own adapter is nobody's business: the run's adapters report their own. */
export const UNOBSERVED = { lost: () => undefined, restored: () => undefined, groupRecreated: () => undefined };

/** The name of a warm-up's scratch destination: ours, unique, and naming the run's destination it served. */
export function scratchName(destination: string): string {
  return `backend-bench-warmup-${randomUUID().slice(0, 8)}-${destination}`.slice(0, 200);
}

/**
 * The usual way to warm an adapter: `twin`, a second adapter of the same class whose target is a scratch
 * destination, runs everything a run does (connect, prepare, one consumer, `count` publishes of `sample`), then
 * removes what it made and closes, whatever happened. `made` runs after prepare(), for what the broker offers to
 * make a forgotten scratch destination vanish. Resolves with how many messages came back.
 */
export async function warmUpTwin(
  twin: BrokerAdapter,
  sample: OutgoingMessage,
  count: number,
  signal: AbortSignal,
  made: () => Promise<unknown> = () => Promise.resolve(),
): Promise<number> {
  let received = 0;
  let allBack: () => void = () => undefined;
  const back = new Promise<void>((resolve) => (allBack = resolve));
  try {
    await twin.connect();
    await twin.prepare();
    await made();
    const consumer = await twin.consume({ index: 0, prefetch: WARM_UP_WINDOW * 2 }, () => {
      if (++received >= count) allBack();
      return Promise.resolve();
    });
    try {
      await publishForWarmUp(count, () => twin.publish(sample), signal);
      await Promise.race([back, untilAborted(signal)]);
    } finally {
      await within(consumer.stop(), CLEANUP_WAIT_MS);
    }
    return received;
  } finally {
    await within(twin.destroy?.(), CLEANUP_WAIT_MS);
    await within(twin.close(), CLEANUP_WAIT_MS);
  }
}
