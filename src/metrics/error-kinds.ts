/**
 * The one list of error kinds. Order is stable: it is the order reports print them in.
 * - connect_refused / connect_reset / dns: the request never got an answer; no latency is recorded for it.
 * - timeout: no complete answer within the request timeout; recorded with the time waited, so stalls show in the tail.
 * - malformed_response: an answer that breaks HTTP/1.1 (RFC 9112), or HTTP/2 (RFC 9113) or HPACK (RFC 7541) on the
 *   requests workload's HTTP/2 client, reported as soon as it is seen.
 * - status: an answer whose status was not expected. check: an answer that failed a check.
 * - body_too_large: a body that a check or capture reads was larger than the most kept (1 MiB).
 * - nack: a message broker refused a publish (events).
 * - h2_goaway: an HTTP/2 stream the server would not process because it sent GOAWAY. h2_rst_*: a stream the server
 *   reset (RST_STREAM), by error code; codes without a kind of their own are h2_rst_other.
 * - CANCELLED … UNAUTHENTICATED: a gRPC call that ended with that status code (canonical names) when the request did
 *   not expect it.
 * - unfinished: still waiting for its answer when the run was stopped and its drain ended (Ctrl-C). Recorded
 *   with the time it had waited so far, a censored sample: its real latency is at least that, so latency SLOs
 *   judge it as at least that slow, and an interrupted run with a stalled target cannot pass.
 * - local_resource: the generator ran out of something of its own (file descriptors, buffers, local ports:
 *   EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL, EADDRINUSE) before the request reached the target. It is the
 *   generator's fault: counted here only, never as a request or an error of the target (not in `errors` nor
 *   `errorRate`), and it marks the result generator-limited.
 */

/** gRPC status codes by their canonical names; the index is the code. */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];
type GrpcErrorKind = Exclude<GrpcStatusName, 'OK'>;
const GRPC_ERROR_KINDS = GRPC_STATUS_NAMES.slice(1) as readonly GrpcErrorKind[];

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
  'h2_goaway',
  'h2_rst_refused_stream',
  'h2_rst_cancel',
  'h2_rst_internal_error',
  'h2_rst_other',
  ...GRPC_ERROR_KINDS,
  'unfinished',
  'local_resource',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The error kind of a gRPC status code the call did not expect (a code beyond the list is UNKNOWN's). */
export function grpcErrorKind(code: number): ErrorKind {
  return GRPC_ERROR_KINDS[code - 1] ?? 'UNKNOWN';
}

export type ErrorCounts = Record<ErrorKind, number>;

export function emptyErrorCounts(): ErrorCounts {
  return Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as ErrorCounts;
}

/** Adds `from` into `into`; a kind missing from `from` (a result written before that kind existed) adds 0. */
export function addErrorCounts(into: ErrorCounts, from: Readonly<Partial<ErrorCounts>>): void {
  for (const kind of ERROR_KINDS) into[kind] += from[kind] ?? 0;
}

/** Failures that are the generator's own doing: not requests of the target, so not in its error rate. */
export const isGeneratorFault = (kind: ErrorKind | undefined): boolean => kind === 'local_resource';
