/**
 * An HTTP/1.1 response parser for the load generator's connections: it frames responses (RFC 9112 §6.3:
 * no body for HEAD/1xx/204/304, chunked, Content-Length, or until close), reads the status and the headers that
 * govern the connection, and keeps the header block and body only when a check will read them. Everything else is
 * skipped in place, so a typical response (one read, a few headers, a small body) costs one native search for the
 * end of the head and a short scan of header names, with no string built.
 *
 * Why not undici's parser: profiled on the closed model, undici's general-purpose machinery (request objects,
 * per-header callbacks out of its wasm parser, stream 'readable' plumbing) cost more CPU per request than
 * autocannon's whole client, and this path less (docs/benchmarks.md); a load generator that is slower than its
 * target measures itself.
 */

/** A response that breaks the protocol; the connection is closed and the exchange counted as an error. */
export class ProtocolError extends Error {
  readonly code = 'HPE_PROTOCOL';
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

export interface ParseOptions {
  /** The request was HEAD: the response has no body whatever its headers say. */
  head: boolean;
  wantHeaders: boolean;
  wantBody: boolean;
}

/** True when buf[start, end) equals `lower` (lower-case ASCII), compared case-insensitively. */
function nameIs(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = buf[start + i] as number;
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function trimmedValue(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end).trim().toLowerCase();
}

const isSpace = (c: number): boolean => c === 32 || c === 9;

/** A Content-Length value (digits between optional spaces), read in place; -1 when malformed. */
function lengthValue(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(buf[i] as number)) i++;
  let stop = end;
  while (stop > i && isSpace(buf[stop - 1] as number)) stop--;
  if (i === stop || stop - i > 15) return -1;
  let value = 0;
  for (; i < stop; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Whether a Connection value says close / keep-alive; the common single-token values are matched in place. */
function connectionSays(buf: Buffer, start: number, end: number): 'close' | 'keep-alive' | undefined {
  let i = start;
  while (i < end && isSpace(buf[i] as number)) i++;
  let stop = end;
  while (stop > i && isSpace(buf[stop - 1] as number)) stop--;
  if (nameIs(buf, i, stop, 'keep-alive')) return 'keep-alive';
  if (nameIs(buf, i, stop, 'close')) return 'close';
  const tokens = trimmedValue(buf, i, stop)
    .split(',')
    .map((t) => t.trim());
  if (tokens.includes('close')) return 'close';
  return tokens.includes('keep-alive') ? 'keep-alive' : undefined;
}

export class ResponseParser {
  status = 0;
  /** Whether the connection may carry another exchange after this response. */
  keepAlive = true;
  /** The raw header lines of the final response (latin1), when asked for. */
  headerBlock: string | undefined;
  /** Body slices, when asked for. */
  body: Buffer[] | undefined;
  private state = State.Done;
  private remaining = 0;
  private pending: Buffer | undefined;
  private line = '';
  private received = false;
  private options: ParseOptions = { head: false, wantHeaders: false, wantBody: false };

  begin(options: ParseOptions): void {
    this.options = options;
    this.state = State.Head;
    this.status = 0;
    this.keepAlive = true;
    this.headerBlock = undefined;
    this.body = options.wantBody ? [] : undefined;
    this.pending = undefined;
    this.line = '';
    this.received = false;
  }

  /** Whether any byte of the response has arrived (a keep-alive race closes before the first one). */
  get started(): boolean {
    return this.received;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Feeds bytes from `start`. Returns the offset just past the end of the response once it is complete, or -1
   * when more bytes are needed. Throws ProtocolError on a malformed response.
   */
  execute(chunk: Buffer, start = 0): number {
    if (chunk.length > start) this.received = true;
    let pos = start;
    while (pos < chunk.length || this.state === State.Done) {
      switch (this.state) {
        case State.Done:
          return pos;
        case State.Head: {
          const next = this.head(chunk, pos);
          if (next < 0) return -1;
          pos = next;
          break;
        }
        case State.Length: {
          pos = this.take(chunk, pos);
          if (this.remaining === 0) this.state = State.Done;
          break;
        }
        case State.UntilClose:
          this.take(chunk, pos, chunk.length - pos);
          return -1;
        case State.ChunkData: {
          pos = this.take(chunk, pos);
          if (this.remaining === 0) {
            this.state = State.ChunkEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkEnd: {
          const c = chunk[pos] as number;
          if (c !== (this.remaining === 2 ? CR : LF)) throw new ProtocolError('chunk data not followed by CRLF');
          pos++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.ChunkSize:
        case State.Trailers: {
          const next = this.readLine(chunk, pos);
          if (next < 0) return -1;
          pos = next;
          this.chunkLine();
          break;
        }
      }
    }
    return -1;
  }

  /** The connection closed: completes a body delimited by the close. Returns whether the response is complete. */
  finishOnClose(): boolean {
    if (this.state === State.UntilClose) this.state = State.Done;
    return this.state === State.Done;
  }

  /** Consumes body bytes of the current length-delimited part; returns the new position. */
  private take(chunk: Buffer, pos: number, count = Math.min(this.remaining, chunk.length - pos)): number {
    if (this.body !== undefined && count > 0) this.body.push(chunk.subarray(pos, pos + count));
    this.remaining -= count;
    return pos + count;
  }

  /** Finds the end of the head; returns the position after it, or -1 (the partial head is kept). */
  private head(chunk: Buffer, pos: number): number {
    let buf = chunk;
    let from = pos;
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, chunk.subarray(pos)]);
      from = 0;
    }
    const end = buf.indexOf(HEAD_END, from);
    if (end < 0) {
      if (buf.length - from > MAX_HEAD_BYTES)
        throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      this.pending = Buffer.from(buf.subarray(from));
      return -1;
    }
    this.parseHead(buf, from, end);
    const consumed = end + 4 - from;
    const pendingBytes = this.pending?.length ?? 0;
    this.pending = undefined;
    return pos + consumed - pendingBytes;
  }

  private parseHead(buf: Buffer, start: number, end: number): void {
    // "HTTP/1.1 200 OK": version, space, three digits.
    if (end - start < 12 || !nameIs(buf, start, start + 7, 'http/1.') || buf[start + 8] !== 32) {
      throw new ProtocolError('not an HTTP/1.x status line');
    }
    const minor = (buf[start + 7] as number) - 48;
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const d = (buf[i] as number) - 48;
      if (d < 0 || d > 9) throw new ProtocolError('malformed status code');
      status = status * 10 + d;
    }
    let keepAlive = minor >= 1;
    let length = -1;
    let chunked = false;
    let lineStart = buf.indexOf(LF, start) + 1;
    const headersStart = lineStart;
    while (lineStart < end + 2) {
      let lineEnd = buf.indexOf(LF, lineStart);
      if (lineEnd < 0 || lineEnd > end + 2) lineEnd = end + 2;
      const contentEnd = buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      const colon = buf.indexOf(58, lineStart);
      if (colon < 0 || colon > contentEnd) throw new ProtocolError('header line without a colon');
      const first = (buf[lineStart] as number) | 0x20;
      if (first === 99 /* c */ && nameIs(buf, lineStart, colon, 'content-length')) {
        const value = lengthValue(buf, colon + 1, contentEnd);
        if (value < 0 || (length >= 0 && value !== length)) throw new ProtocolError('bad Content-Length');
        length = value;
      } else if (first === 99 && nameIs(buf, lineStart, colon, 'connection')) {
        const says = connectionSays(buf, colon + 1, contentEnd);
        if (says !== undefined) keepAlive = says === 'keep-alive';
      } else if (first === 116 /* t */ && nameIs(buf, lineStart, colon, 'transfer-encoding')) {
        chunked = /(^|[\s,])chunked$/.test(trimmedValue(buf, colon + 1, contentEnd));
        if (!chunked) keepAlive = false; // another coding last: the body runs until close (RFC 9112 §6.3)
      }
      lineStart = lineEnd + 1;
    }
    // 1xx informational responses (not 101, which we never ask for) precede the real one.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ProtocolError('unexpected 101 Switching Protocols');
      return;
    }
    this.status = status;
    this.keepAlive = keepAlive;
    if (this.options.wantHeaders) this.headerBlock = buf.toString('latin1', headersStart, end);
    this.frameBody(length, chunked);
  }

  private frameBody(length: number, chunked: boolean): void {
    if (this.options.head || this.status === 204 || this.status === 304) {
      this.state = State.Done;
    } else if (chunked) {
      this.state = State.ChunkSize;
    } else if (length >= 0) {
      this.remaining = length;
      this.state = length === 0 ? State.Done : State.Length;
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
  }

  /** Reads one CRLF-terminated line into `this.line` (across chunks); returns the position after it, or -1. */
  private readLine(chunk: Buffer, pos: number): number {
    const lf = chunk.indexOf(LF, pos);
    const stop = lf < 0 ? chunk.length : lf;
    this.line += chunk.toString('latin1', pos, stop);
    if (this.line.length > MAX_LINE_BYTES) throw new ProtocolError('chunk-size or trailer line too long');
    return lf < 0 ? -1 : lf + 1;
  }

  private chunkLine(): void {
    const text = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.line = '';
    if (this.state === State.Trailers) {
      if (text === '') this.state = State.Done;
      return;
    }
    const hex = (text.split(';', 1)[0] as string).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ProtocolError(`bad chunk size ${JSON.stringify(hex.slice(0, 20))}`);
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.state = State.Trailers;
    } else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
  }
}
