import { performance } from 'node:perf_hooks';

/**
 * The envelope every published message carries, in a header of our own. Send times come from here and never from
 * the broker (an AMQP `timestamp` has one-second resolution; a Redis entry id is the broker's clock).
 */
export interface Envelope {
  /** The run that published it: messages of other runs left in a queue are counted apart, not measured. */
  runId: string;
  /** Index of the producer (publisher connection) within the run; sequences are per producer. */
  producer: number;
  /** 0-based, gap-free per producer in publish order. */
  seq: number;
  /** Intended send time in epoch-based monotonic milliseconds (see nowMs). */
  intendedMs: number;
  /** Date.now() at publish, for humans reading a message off the broker. */
  wallMs: number;
}

export const ENVELOPE_HEADER = 'x-bb-envelope';
const VERSION = 'v1';

/**
 * Monotonic time as epoch milliseconds (µs resolution). Every thread adds its own timeOrigin, so a consumer in a
 * worker thread compares its receive time with a send time taken on the main thread on the same clock.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** "v1 runId producer seq intended wall": short, ASCII, valid in every broker's header values. */
export function encodeEnvelope(e: Envelope): string {
  return `${VERSION} ${e.runId} ${e.producer} ${e.seq} ${e.intendedMs.toFixed(3)} ${e.wallMs}`;
}

/** Whether a value carries an envelope of this version (a cheap test; decodeEnvelope validates it). */
export function isEnvelope(text: string): boolean {
  return text.startsWith(`${VERSION} `);
}

/** The envelope in a header value, or undefined when the value is not one of ours. */
export function decodeEnvelope(text: string | undefined): Envelope | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(' ');
  if (parts.length !== 6 || parts[0] !== VERSION) return undefined;
  const [, runId = '', producer, seq, intended, wall] = parts;
  const e = { runId, producer: Number(producer), seq: Number(seq), intendedMs: Number(intended), wallMs: Number(wall) };
  const valid =
    runId !== '' &&
    Number.isInteger(e.producer) &&
    e.producer >= 0 &&
    Number.isInteger(e.seq) &&
    e.seq >= 0 &&
    Number.isFinite(e.intendedMs) &&
    Number.isFinite(e.wallMs);
  return valid ? e : undefined;
}
