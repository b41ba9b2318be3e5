import { createRequire } from 'node:module';
import type * as Http2 from 'node:http2';
import type { ErrorKind } from '../../metrics/error-kinds.js';

/**
 * HTTP/2 error codes (RFC 9113 §7) and pseudo-headers as plain values, so HTTP/1.1 runs never load `node:http2`
 * (tens of milliseconds at start-up): `loadHttp2` fetches it when the first HTTP/2 connection is made.
 */
export const H2_CODE = { NO_ERROR: 0, INTERNAL_ERROR: 2, REFUSED_STREAM: 7, CANCEL: 8 } as const;

/** RST_STREAM codes with an error kind of their own; others are h2_rst_other. */
export const RST_KINDS: Readonly<Record<number, ErrorKind>> = {
  [H2_CODE.REFUSED_STREAM]: 'h2_rst_refused_stream',
  [H2_CODE.CANCEL]: 'h2_rst_cancel',
  [H2_CODE.INTERNAL_ERROR]: 'h2_rst_internal_error',
};

let http2: typeof Http2 | undefined;
export function loadHttp2(): typeof Http2 {
  return (http2 ??= createRequire(import.meta.url)('node:http2') as typeof Http2);
}
