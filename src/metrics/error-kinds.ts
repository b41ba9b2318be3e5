/**
 * The one list of error kinds. Order is stable: it is the order reports print them in.
 * - connect_refused / connect_reset / dns: the request never got an answer; no latency is recorded for it.
 * - timeout: no complete answer within the request timeout; recorded with the time waited, so stalls show in the tail.
 * - malformed_response: an answer that breaks HTTP/1.1 (RFC 9112), reported as soon as it is seen.
 * - status: an answer whose status was not expected. check: an answer that failed a check.
 * - body_too_large: a body that a check or capture reads was larger than the most kept (1 MiB).
 * - nack: a message broker refused a publish (events).
 */
export const ERROR_KINDS = [
  'connect_refused',
  'connect_reset',
  'timeout',
  'dns',
  'malformed_response',
  'status',
  'check',
  'body_too_large',
  'nack',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export type ErrorCounts = Record<ErrorKind, number>;

export function emptyErrorCounts(): ErrorCounts {
  return {
    connect_refused: 0,
    connect_reset: 0,
    timeout: 0,
    dns: 0,
    malformed_response: 0,
    status: 0,
    check: 0,
    body_too_large: 0,
    nack: 0,
    other: 0,
  };
}

/** Adds `from` into `into`; a kind missing from `from` (a result written before that kind existed) adds 0. */
export function addErrorCounts(into: ErrorCounts, from: Readonly<Partial<ErrorCounts>>): void {
  for (const kind of ERROR_KINDS) into[kind] += from[kind] ?? 0;
}
