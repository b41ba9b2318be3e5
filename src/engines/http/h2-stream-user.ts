import type { ErrorKind } from '../../metrics/error-kinds.js';
import { H2_CODE, RST_KINDS } from './h2-codes.js';
import type { H2Session } from './h2-session.js';
import type { Outcome } from './http-sender.js';

/**
 * What sends on a session: a stream slot, carrying one exchange at a time. The session keeps its per-stream state
 * (id, windows, body progress) in these fields rather than in an object per stream, so a stream allocates nothing.
 */
export interface StreamUser {
  streamId: number;
  sendWindow: number;
  recvWindow: number;
  recvUnacked: number;
  body: Buffer | undefined;
  bodySent: number;
  /** Room was granted on `session`: the user opens its stream now (`session.request`). */
  start(session: H2Session): void;
  /** The connection failed before the user's stream could start. */
  fail(err: Error): void;
  /** A header block for the user's stream, as name, value pairs; the array is reused after the call. */
  headers(fields: readonly string[], endStream: boolean): void;
  /** Body bytes `buf[start, end)`; the buffer is never reused, so a subarray may be kept. */
  data(buf: Buffer, start: number, end: number, endStream: boolean): void;
  /** The stream ended without a whole response: reset, GOAWAY, or the connection failed. */
  ended(outcome: Outcome): void;
}

/** The connection a session belongs to, told when it can take streams, has room again, or is done with. */
export interface SessionOwner {
  settled(session: H2Session): void;
  released(session: H2Session): void;
  goneAway(session: H2Session): void;
  closed(session: H2Session, err: Error | undefined, settled: boolean): void;
  /** The session's socket has closed: nothing of it is left to clean up. */
  detached(session: H2Session): void;
}

export interface SessionWindows {
  /** Our SETTINGS_INITIAL_WINDOW_SIZE: how much of one response the server may send before we ask for more. */
  stream: number;
  /** The connection's receive window, over all streams. */
  connection: number;
}
export const DEFAULT_WINDOWS: SessionWindows = { stream: 1 << 20, connection: 1 << 24 };

export function failed(error: ErrorKind, message: string, hasLatency = false): Outcome {
  return { error, hasLatency, status: 0, message };
}
export const NOT_PROCESSED = failed('h2_goaway', 'stream not processed: the server sent GOAWAY');
export const CUT_BY_GOAWAY = failed('h2_goaway', 'stream cut: the server sent GOAWAY');

export function resetOutcome(code: number, goneAway: boolean): Outcome {
  if (goneAway && code === H2_CODE.REFUSED_STREAM) return NOT_PROCESSED;
  return failed(RST_KINDS[code] ?? 'h2_rst_other', `stream reset by the server (RST_STREAM code ${code})`);
}
