import { type ErrorCounts, type ErrorKind, emptyErrorCounts } from './error-kinds.js';
import type { EventCounts } from './event-recorder.js';
import { type Histogram, createHistogram, decodeHistogram, encodeHistogram } from './histogram.js';
import type { ForeignInterval, IntervalSnapshot } from './interval-recorder.js';

/**
 * One interval of a worker thread, as posted to the main thread: plain data (structured-clone safe), with the
 * HDR histograms compressed, so the main thread adds them exactly. Empty histograms travel as "".
 */
export interface WireInterval {
  /** In the recorder's scope order (the plan's request order). */
  scopes: { requests: number; errors: number; dropped: number; latency: string; statuses?: WireStatusRow[] }[];
  /** Only the kinds that occurred: most intervals have none, and the list of kinds is long. */
  errorsByKind: Partial<ErrorCounts>;
  sendDelay: string;
  inFlight: number;
  targetRate: number;
  errorSamples: [string, number][];
  /** An event run's producer thread: its event counts per queue, in the plan's queue order. */
  events?: WireEventCounts[];
}

/** One queue's event counts of an interval: the counters as they are, the three histograms compressed. */
export type WireEventCounts = Omit<EventCounts, 'publish' | 'e2e' | 'sendDelay'> & {
  publish: string;
  e2e: string;
  sendDelay: string;
};

/** A scope's requests of one (status, error) pair; `error` is null for successes (undefined does not survive JSON). */
export interface WireStatusRow {
  status: number;
  error: ErrorKind | null;
  requests: number;
  latency: string;
}

const encode = (h: Histogram): string => (h.totalCount === 0 ? '' : encodeHistogram(h));
const decode = (text: string): Histogram | undefined => (text === '' ? undefined : decodeHistogram(text));

function encodeEvents(c: EventCounts): WireEventCounts {
  return {
    ...c,
    errors: { ...c.errors },
    publish: encode(c.publish),
    e2e: encode(c.e2e),
    sendDelay: encode(c.sendDelay),
  };
}

function decodeEvents(w: WireEventCounts): EventCounts {
  return {
    ...w,
    errors: { ...w.errors },
    publish: decode(w.publish) ?? createHistogram(),
    e2e: decode(w.e2e) ?? createHistogram(),
    sendDelay: decode(w.sendDelay) ?? createHistogram(),
  };
}

/** `events`: the event counts of the same interval, when the thread ran an event engine. */
export function encodeInterval(snapshot: IntervalSnapshot, events?: readonly EventCounts[]): WireInterval {
  return {
    ...(events !== undefined && { events: events.map(encodeEvents) }),
    scopes: [...snapshot.scopes.values()].map((s) => ({
      requests: s.requests,
      errors: s.errors,
      dropped: s.dropped,
      latency: encode(s.latency),
      // Rows without requests this interval stay home.
      statuses: (s.statuses ?? [])
        .filter((r) => r.requests > 0)
        .map((r) => ({
          status: r.status,
          error: r.error ?? null,
          requests: r.requests,
          latency: encode(r.latency),
        })),
    })),
    errorsByKind: Object.fromEntries(Object.entries(snapshot.errorsByKind).filter(([, n]) => n > 0)),
    sendDelay: encode(snapshot.sendDelay),
    inFlight: snapshot.inFlight,
    targetRate: snapshot.targetRate,
    errorSamples: [...snapshot.errorSamples],
  };
}

export function decodeInterval(wire: WireInterval): ForeignInterval {
  return {
    scopes: wire.scopes.map((s) => ({
      ...s,
      latency: decode(s.latency),
      statuses: (s.statuses ?? []).map((r) => ({
        status: r.status,
        error: r.error ?? undefined,
        requests: r.requests,
        latency: decode(r.latency),
      })),
    })),
    errorsByKind: { ...emptyErrorCounts(), ...wire.errorsByKind },
    sendDelay: decode(wire.sendDelay),
    inFlight: wire.inFlight,
    targetRate: wire.targetRate,
    errorSamples: wire.errorSamples,
    ...(wire.events !== undefined && { events: wire.events.map(decodeEvents) }),
  };
}
