import type { ErrorKind } from '../../metrics/error-kinds.js';

/** HTTP/2 error codes (RFC 9113 §7) by name. */
export const H2_CODE = {
  NO_ERROR: 0,
  PROTOCOL_ERROR: 1,
  INTERNAL_ERROR: 2,
  FLOW_CONTROL_ERROR: 3,
  SETTINGS_TIMEOUT: 4,
  STREAM_CLOSED: 5,
  FRAME_SIZE_ERROR: 6,
  REFUSED_STREAM: 7,
  CANCEL: 8,
  COMPRESSION_ERROR: 9,
} as const;
export type H2CodeName = keyof typeof H2_CODE;

/** RST_STREAM codes with an error kind of their own; others are h2_rst_other. */
export const RST_KINDS: Readonly<Record<number, ErrorKind>> = {
  [H2_CODE.REFUSED_STREAM]: 'h2_rst_refused_stream',
  [H2_CODE.CANCEL]: 'h2_rst_cancel',
  [H2_CODE.INTERNAL_ERROR]: 'h2_rst_internal_error',
};
