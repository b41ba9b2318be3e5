import type { ErrorKind } from '../../metrics/error-kinds.js';
import { redactUrlsInText } from '../../scenario/redact.js';

const BY_CODE: Readonly<Record<string, ErrorKind>> = {
  ECONNREFUSED: 'connect_refused',
  ECONNRESET: 'connect_reset',
  EPIPE: 'connect_reset',
  UND_ERR_SOCKET: 'connect_reset',
  UND_ERR_CLOSED: 'connect_reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  // The generator's own limits (descriptors, buffers, local ports), not the target's doing.
  EMFILE: 'local_resource',
  ENFILE: 'local_resource',
  ENOBUFS: 'local_resource',
  EADDRNOTAVAIL: 'local_resource',
  EADDRINUSE: 'local_resource',
  EAI_AGAIN: 'dns',
  // Our HTTP/2 client's framing or HPACK checks (h2-error.ts).
  ERR_H2_PROTOCOL: 'malformed_response',
};

function codeOf(err: unknown): string | undefined {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

const nameOf = (err: unknown): string | undefined => (err instanceof Error ? err.name : undefined);

function kindOf(code: string | undefined): ErrorKind | undefined {
  if (code === undefined) return undefined;
  // HPE_*: a response that breaks HTTP/1.1, from our parser (HPE_PROTOCOL) or undici's llhttp (HPE_INVALID_*).
  return BY_CODE[code] ?? (code.startsWith('HPE_') ? 'malformed_response' : undefined);
}

/** Maps a client error to its kind; undici wraps socket errors, so the cause is consulted too. */
export function classifyError(err: unknown): ErrorKind {
  // undici's llhttp errors do not always carry an HPE_ code, but always this name.
  if (nameOf(err) === 'HTTPParserError' || (err instanceof Error && nameOf(err.cause) === 'HTTPParserError'))
    return 'malformed_response';
  const cause = err instanceof Error ? codeOf(err.cause) : undefined;
  // A socket that closed under us reports UND_ERR_SOCKET with the real reason (e.g. ECONNRESET) as cause.
  return kindOf(cause) ?? kindOf(codeOf(err)) ?? 'other';
}

/** Whether a failure of this kind still had an answer or a wait worth recording as latency. */
export const hasLatency = (kind: ErrorKind): boolean => kind === 'timeout' || kind === 'malformed_response';

export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  // A library may name the URL it failed on, query secrets and credentials included; error samples reach outputs.
  return redactUrlsInText(`${err.message}${cause}`).slice(0, 200);
}
