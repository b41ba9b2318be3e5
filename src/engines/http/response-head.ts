import {
  chunkedLast,
  connectionSays,
  HTAB,
  isToken,
  keepAliveTimeout,
  lengthValue,
  nameIs,
  SP,
} from './header-fields.js';

export const CR = 13;
export const LF = 10;

/** A response that breaks the protocol: the connection is closed and the exchange is a `malformed_response`. */
export class ProtocolError extends Error {
  readonly code = 'HPE_PROTOCOL';
}

/** How the head frames the body: from Transfer-Encoding's last coding (RFC 9112 §6.3). */
export const enum Coding {
  None,
  Chunked,
  Other,
}

/** Content-Length was present but not one valid length. */
export const INVALID_LENGTH = -2;

/**
 * What one response head says, scanned line by line from the socket's bytes into plain fields (reused for every
 * response, so nothing is allocated). A line may end in CRLF or a bare LF (RFC 9112 §2.2); a line that starts
 * with whitespace is an obs-fold, flagged so the caller can rescan an unfolded copy (§5.2).
 */
export class ResponseHead {
  status = 0;
  minor = 1;
  /** -1 when absent, INVALID_LENGTH when malformed or contradictory. */
  length = -1;
  coding = Coding.None;
  says: 'close' | 'keep-alive' | undefined;
  /** Keep-Alive: timeout=N, in seconds; -1 when unsaid. */
  idleSeconds = -1;
  folded = false;
  /** The header lines are buf[headersStart, headersEnd), without the final line break. */
  headersStart = 0;
  headersEnd = 0;

  /**
   * Scans the head starting at `start`. Returns the position just past the empty line that ends it, or -1 when
   * it is not complete yet (it is scanned again with more bytes). Throws ProtocolError on a malformed line.
   */
  scan(buf: Buffer, start: number): number {
    let lf = buf.indexOf(LF, start);
    if (lf < 0) return -1;
    this.statusLine(buf, start, lf > start && buf[lf - 1] === CR ? lf - 1 : lf);
    this.length = -1;
    this.coding = Coding.None;
    this.says = undefined;
    this.idleSeconds = -1;
    this.folded = false;
    let lineStart = (this.headersStart = lf + 1);
    for (;;) {
      if (lineStart >= buf.length) return -1;
      const first = buf[lineStart] as number;
      if (first === LF || first === CR) {
        if (first === CR && lineStart + 1 >= buf.length) return -1;
        if (first === CR && buf[lineStart + 1] !== LF) throw new ProtocolError('bare CR in the response head');
        this.headersEnd = lineStart === this.headersStart ? lineStart : lineStart - (buf[lineStart - 2] === CR ? 2 : 1);
        return lineStart + (first === CR ? 2 : 1);
      }
      lf = buf.indexOf(LF, lineStart);
      if (lf < 0) return -1;
      if (first === SP || first === HTAB) {
        if (lineStart === this.headersStart) throw new ProtocolError('whitespace before the first header field');
        this.folded = true;
      } else {
        this.field(buf, lineStart, buf[lf - 1] === CR ? lf - 1 : lf);
      }
      lineStart = lf + 1;
    }
  }

  /** "HTTP/1.1 200 OK": version, space, exactly three digits, then a space and a reason, or nothing (§4). */
  private statusLine(buf: Buffer, start: number, end: number): void {
    const minor = (buf[start + 7] as number) - 48;
    if (end - start < 12 || !nameIs(buf, start, start + 7, 'http/1.') || !(minor >= 0 && minor <= 9))
      throw new ProtocolError('not an HTTP/1.x status line');
    if (buf[start + 8] !== SP) throw new ProtocolError('not an HTTP/1.x status line');
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const d = (buf[i] as number) - 48;
      if (d < 0 || d > 9) throw new ProtocolError('malformed status code');
      status = status * 10 + d;
    }
    if (end > start + 12 && buf[start + 12] !== SP) throw new ProtocolError('status code is not three digits');
    this.status = status;
    this.minor = minor;
  }

  /** One header field line, buf[start, end) without its line break. */
  private field(buf: Buffer, start: number, end: number): void {
    const colon = buf.indexOf(58, start);
    if (colon < 0 || colon > end) throw new ProtocolError('header line without a colon');
    // No whitespace may precede the colon (§5.1): "Content-Length : 2" is not the field it looks like.
    if (!isToken(buf, start, colon)) throw new ProtocolError('malformed header name');
    const first = (buf[start] as number) | 0x20;
    if (first === 99 /* c */ && nameIs(buf, start, colon, 'content-length')) {
      const value = lengthValue(buf, colon + 1, end);
      this.length = value < 0 || (this.length !== -1 && value !== this.length) ? INVALID_LENGTH : value;
    } else if (first === 99 && nameIs(buf, start, colon, 'connection')) {
      this.says = connectionSays(buf, colon + 1, end) ?? this.says;
    } else if (first === 116 /* t */ && nameIs(buf, start, colon, 'transfer-encoding')) {
      this.coding = chunkedLast(buf, colon + 1, end) ? Coding.Chunked : Coding.Other;
    } else if (first === 107 /* k */ && nameIs(buf, start, colon, 'keep-alive')) {
      this.idleSeconds = keepAliveTimeout(buf, colon + 1, end);
    }
  }
}

/** A copy of buf[start, end) with each obs-fold (a line break before SP or HTAB) blanked to spaces (§5.2). */
export function unfold(buf: Buffer, start: number, end: number): Buffer {
  const copy = Buffer.from(buf.subarray(start, end));
  for (let lf = copy.indexOf(LF); lf >= 0 && lf + 1 < copy.length; lf = copy.indexOf(LF, lf + 1)) {
    const next = copy[lf + 1] as number;
    if (next !== SP && next !== HTAB) continue;
    copy[lf] = SP;
    if (copy[lf - 1] === CR) copy[lf - 1] = SP;
  }
  return copy;
}
