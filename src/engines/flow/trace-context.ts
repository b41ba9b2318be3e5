import { randomFillSync } from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): `traceparent: 00-<trace-id>-<parent-id>-01`.
 * One trace id per flow iteration, one span id per step, sampled flag set, so the backend's own traces of a
 * test iteration join up under one trace. Ids come from a pooled random buffer: one crypto call per 256 ids.
 */

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  // An all-zero id is invalid by the spec; the odds are 2^-64 or less, but a receiver would drop the header.
  let zero = true;
  for (let i = start; i < offset && zero; i++) zero = pool[i] === 0;
  if (zero) pool[offset - 1] = 1;
  return pool.toString('hex', start, offset);
}

/** 16 random bytes as 32 lowercase hex digits. */
export const newTraceId = (): string => randomHex(16);

/** 8 random bytes as 16 lowercase hex digits. */
export const newSpanId = (): string => randomHex(8);

export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a version-00 traceparent; undefined when malformed or when an id is all zeros. */
export function parseTraceparent(value: string): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const m = TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = m;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}
