import { performance } from 'node:perf_hooks';
import { type Histogram, createHistogram, recordMs } from './histogram.js';

/** Why a publish failed. Order is stable: reports print them in this order. */
export const PUBLISH_ERROR_KINDS = ['nack', 'timeout', 'connection', 'other'] as const;
export type PublishErrorKind = (typeof PUBLISH_ERROR_KINDS)[number];
export type PublishErrorCounts = Record<PublishErrorKind, number>;

export function emptyPublishErrors(): PublishErrorCounts {
  return { nack: 0, timeout: 0, connection: 0, other: 0 };
}

/** Queue lag at one moment: the broker's own figure, and the client-side view. */
export interface LagSample {
  /** The broker's figure (LagReading.messages, plus our unacked count where the broker leaves it out); null when it could not be read. */
  broker: number | null;
  /** Client-side backlog: published and acknowledged, not yet consumed by us (0 in produce-only mode). */
  client: number;
  /** Age of the oldest message published and not yet consumed, in ms (0 when none is outstanding). */
  timeLagMs: number;
}

/** Event counts and histograms of one queue over one interval. */
export interface EventCounts {
  /** Publishes started (scheduled and sent). */
  attempted: number;
  /** Publishes the broker confirmed. */
  acked: number;
  failed: number;
  /** Scheduled publishes not started because the in-flight cap was reached. */
  dropped: number;
  /** Distinct messages of this run received by our consumers. */
  consumed: number;
  duplicates: number;
  outOfOrder: number;
  /** Given up on during the run (a gap far behind the stream), or found gone from the broker at the end. */
  lost: number;
  /** Still in the broker, unconsumed, when the drain phase ended. */
  undelivered: number;
  /** Messages without our envelope or from another run (leftovers in a reused queue): acknowledged, not measured. */
  foreign: number;
  connectionDrops: number;
  /** Connections the adapter got back after a drop (drops − reconnects were still down at the end). */
  reconnects: number;
  /** Consumer groups (or durables) found deleted from the broker mid-run and created again. */
  groupsRecreated: number;
  errors: PublishErrorCounts;
  /** Publish-ack latency from the intended send time. */
  publish: Histogram;
  /** Produce→consume latency from the intended send time; lost and undelivered messages at their age. */
  e2e: Histogram;
  /** Actual − intended send time. */
  sendDelay: Histogram;
}

export function emptyEventCounts(): EventCounts {
  return {
    attempted: 0,
    acked: 0,
    failed: 0,
    dropped: 0,
    consumed: 0,
    duplicates: 0,
    outOfOrder: 0,
    lost: 0,
    undelivered: 0,
    foreign: 0,
    connectionDrops: 0,
    reconnects: 0,
    groupsRecreated: 0,
    errors: emptyPublishErrors(),
    publish: createHistogram(),
    e2e: createHistogram(),
    sendDelay: createHistogram(),
  };
}

const COUNTERS = [
  'attempted',
  'acked',
  'failed',
  'dropped',
  'consumed',
  'duplicates',
  'outOfOrder',
  'lost',
  'undelivered',
  'foreign',
  'connectionDrops',
  'reconnects',
  'groupsRecreated',
] as const;

export function addEventCounts(into: EventCounts, from: EventCounts): void {
  for (const k of COUNTERS) into[k] += from[k];
  for (const k of PUBLISH_ERROR_KINDS) into.errors[k] += from.errors[k];
  into.publish.add(from.publish);
  into.e2e.add(from.e2e);
  into.sendDelay.add(from.sendDelay);
}

function resetEventCounts(c: EventCounts): void {
  for (const k of COUNTERS) c[k] = 0;
  for (const k of PUBLISH_ERROR_KINDS) c.errors[k] = 0;
  c.publish.reset();
  c.e2e.reset();
  c.sendDelay.reset();
}

/** Everything the event engine reports; queues are addressed by index (fixed at plan time). */
export interface EventSink {
  publishStarted(queue: number, sendDelayMs: number): void;
  published(queue: number, latencyMs: number): void;
  publishFailed(queue: number, kind: PublishErrorKind): void;
  dropped(queue: number, count?: number): void;
  consumed(queue: number, e2eMs: number, outOfOrder: boolean): void;
  duplicate(queue: number): void;
  foreign(queue: number): void;
  /** A message that never arrived, recorded in the e2e tail at `ageMs`. */
  missing(queue: number, kind: 'lost' | 'undelivered', ageMs: number): void;
  connectionLost(queue: number): void;
  /** A connection lost earlier is back (its consumers resubscribed). */
  connectionRestored(queue: number): void;
  /** The consumer group was gone from the broker (deleted with its stream, or destroyed) and was created again. */
  groupRecreated(queue: number): void;
  lag(queue: number, sample: LagSample, source: string): void;
  /** The engine moved to a phase; rates are computed over the phases' real lengths, not the setup time. */
  phase(phase: EventPhase): void;
}

/** Publishing starts after connections and consumers are up; draining follows it; done ends the drain. */
export type EventPhase = 'publishing' | 'draining' | 'done';
export type PhaseTimes = Partial<Record<EventPhase, number>>;

export interface EventIntervalSnapshot {
  elapsedMs: number;
  queues: readonly EventCounts[];
  /** Latest lag sample per queue (undefined before the first one). */
  lag: readonly (LagSample | undefined)[];
  lagSource: readonly (string | undefined)[];
  /** performance.now() when each phase began, so far. */
  phases: PhaseTimes;
}

/** The hot-path event sink: counters and HDR histograms per queue, handed over and cleared once per interval. */
export class EventRecorder implements EventSink {
  private readonly queues: EventCounts[];
  private readonly lagSamples: (LagSample | undefined)[];
  private readonly lagSources: (string | undefined)[];
  private readonly phases: PhaseTimes = {};

  constructor(queueCount: number) {
    this.queues = Array.from({ length: queueCount }, emptyEventCounts);
    this.lagSamples = Array.from({ length: queueCount }, () => undefined);
    this.lagSources = Array.from({ length: queueCount }, () => undefined);
  }

  private q(queue: number): EventCounts {
    const c = this.queues[queue];
    if (c === undefined) throw new RangeError(`unknown queue ${queue}`);
    return c;
  }

  publishStarted(queue: number, sendDelayMs: number): void {
    const c = this.q(queue);
    c.attempted++;
    recordMs(c.sendDelay, sendDelayMs);
  }

  published(queue: number, latencyMs: number): void {
    const c = this.q(queue);
    c.acked++;
    recordMs(c.publish, latencyMs);
  }

  publishFailed(queue: number, kind: PublishErrorKind): void {
    const c = this.q(queue);
    c.failed++;
    c.errors[kind]++;
  }

  dropped(queue: number, count = 1): void {
    this.q(queue).dropped += count;
  }

  consumed(queue: number, e2eMs: number, outOfOrder: boolean): void {
    const c = this.q(queue);
    c.consumed++;
    if (outOfOrder) c.outOfOrder++;
    recordMs(c.e2e, e2eMs);
  }

  duplicate(queue: number): void {
    this.q(queue).duplicates++;
  }

  foreign(queue: number): void {
    this.q(queue).foreign++;
  }

  missing(queue: number, kind: 'lost' | 'undelivered', ageMs: number): void {
    const c = this.q(queue);
    c[kind]++;
    recordMs(c.e2e, ageMs);
  }

  connectionLost(queue: number): void {
    this.q(queue).connectionDrops++;
  }

  connectionRestored(queue: number): void {
    this.q(queue).reconnects++;
  }

  groupRecreated(queue: number): void {
    this.q(queue).groupsRecreated++;
  }

  lag(queue: number, sample: LagSample, source: string): void {
    this.lagSamples[queue] = sample;
    this.lagSources[queue] = source;
  }

  phase(phase: EventPhase): void {
    this.phases[phase] = performance.now();
  }

  /** Adds another thread's interval (a producer thread of `run --workers`), queue by queue, exactly. */
  absorb(queues: readonly EventCounts[]): void {
    queues.forEach((from, i) => addEventCounts(this.q(i), from));
  }

  flush(elapsedMs: number, consume: (snapshot: EventIntervalSnapshot) => void): void {
    consume({
      elapsedMs,
      queues: this.queues,
      lag: this.lagSamples,
      lagSource: this.lagSources,
      phases: { ...this.phases },
    });
    this.queues.forEach(resetEventCounts);
  }
}
