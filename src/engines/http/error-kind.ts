import type { ErrorKind } from '../../metrics/error-kinds.js';

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
  EAI_AGAIN: 'dns',
};

function codeOf(err: unknown): string | undefined {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** Maps a client error to its kind; undici wraps socket errors, so the cause is consulted too. */
export function classifyError(err: unknown): ErrorKind {
  const own = codeOf(err);
  const cause = err instanceof Error ? codeOf(err.cause) : undefined;
  // A socket that closed under us reports UND_ERR_SOCKET with the real reason (e.g. ECONNRESET) as cause.
  return (
    (cause !== undefined ? BY_CODE[cause] : undefined) ?? (own !== undefined ? BY_CODE[own] : undefined) ?? 'other'
  );
}

export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.slice(0, 200);
}
