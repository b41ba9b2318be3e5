import { H2_CODE, type H2CodeName } from './h2-codes.js';

/**
 * The server broke HTTP/2 (RFC 9113) or HPACK (RFC 7541): a connection error. Its code maps to the
 * `malformed_response` kind (error-kind.ts); `h2Code` is what our GOAWAY tells the server.
 */
export class H2ProtocolError extends Error {
  readonly code = 'ERR_H2_PROTOCOL';
  readonly h2Code: number;
  constructor(message: string, name: H2CodeName = 'PROTOCOL_ERROR') {
    super(`HTTP/2 ${name}: ${message}`);
    this.h2Code = H2_CODE[name];
  }
}
