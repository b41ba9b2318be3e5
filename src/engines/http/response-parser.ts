import { Coding, CR, INVALID_LENGTH, LF, ProtocolError, ResponseHead, unfold } from './response-head.js';

export { ProtocolError } from './response-head.js';

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
/** The most body kept for checks; past it the rest is drained and the exchange fails as `body_too_large`. */
export const MAX_BODY_BYTES = 1024 * 1024;

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
  /** The most body bytes kept (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

/**
 * An HTTP/1.1 response parser for the load generator's connections: it frames responses (RFC 9112 §6.3:
 * no body for HEAD/1xx/204/304, chunked, Content-Length, or until close), reads the status and the headers that
 * govern the connection, and keeps the header block and body only when a check will read them. Everything else is
 * skipped in place, so a typical response (one read, a few headers, a small body) costs one short scan per header
 * line, with no string built. As RFC 9112 lets a recipient, a bare LF ends a line (§2.2) and an obsolete folded
 * line is joined with a space (§5.2); anything else that breaks the grammar is a ProtocolError, reported at once.
 *
 * Why not undici's parser: profiled on the closed model, undici's general-purpose machinery (request objects,
 * per-header callbacks out of its wasm parser, stream 'readable' plumbing) cost more CPU per request than
 * autocannon's whole client, and this path less (docs/benchmarks.md); a load generator that is slower than its
 * target measures itself.
 */
export class ResponseParser {
  status = 0;
  /** Whether the connection may carry another exchange after this response. */
  keepAlive = true;
  /** How long the server keeps the connection open while idle (Keep-Alive: timeout=N), in ms; -1 when unsaid. */
  idleTimeoutMs = -1;
  /** The raw header lines of the final response (latin1), when asked for. */
  headerBlock: string | undefined;
  /** Body slices, when asked for. */
  body: Buffer[] | undefined;
  /** The body wanted was larger than maxBodyBytes: it was drained, not kept. */
  bodyTooLarge = false;
  private bodyBytes = 0;
  private state = State.Done;
  private remaining = 0;
  private pending: Buffer | undefined;
  private line = '';
  private received = false;
  private options: ParseOptions = { head: false, wantHeaders: false, wantBody: false };
  private readonly h = new ResponseHead();

  begin(options: ParseOptions): void {
    this.options = options;
    this.state = State.Head;
    this.status = 0;
    this.keepAlive = true;
    this.idleTimeoutMs = -1;
    this.headerBlock = undefined;
    this.body = options.wantBody ? [] : undefined;
    this.bodyTooLarge = false;
    this.bodyBytes = 0;
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
        case State.ChunkEnd:
          this.chunkEnd(chunk[pos] as number);
          pos++;
          break;
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
    if (this.body !== undefined && count > 0) {
      this.bodyBytes += count;
      if (this.bodyBytes > (this.options.maxBodyBytes ?? MAX_BODY_BYTES)) {
        this.body = undefined;
        this.bodyTooLarge = true;
      } else this.body.push(chunk.subarray(pos, pos + count));
    }
    this.remaining -= count;
    return pos + count;
  }

  /** The line break after a chunk's data: CRLF, or a bare LF (RFC 9112 §2.2). */
  private chunkEnd(c: number): void {
    if (c === LF) this.state = State.ChunkSize;
    else if (c === CR && this.remaining === 2) this.remaining = 1;
    else throw new ProtocolError('chunk data not followed by a line break');
  }

  /** Finds the end of the head; returns the position after it, or -1 (the partial head is kept). */
  private head(chunk: Buffer, pos: number): number {
    let buf = chunk;
    let from = pos;
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, chunk.subarray(pos)]);
      from = 0;
    }
    const end = this.h.scan(buf, from);
    if (end < 0) {
      if (buf.length - from > MAX_HEAD_BYTES)
        throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      this.pending = Buffer.from(buf.subarray(from));
      return -1;
    }
    const consumed = end - from;
    if (this.h.folded) {
      // Rare: rescan a copy in which every obs-fold is a space, so values and the kept block read unfolded.
      buf = unfold(buf, from, end);
      this.h.scan(buf, 0);
    }
    this.endHead(buf);
    const pendingBytes = this.pending?.length ?? 0;
    this.pending = undefined;
    return pos + consumed - pendingBytes;
  }

  /** Acts on a complete head: a 1xx is skipped, a final response sets status, keep-alive and framing. */
  private endHead(buf: Buffer): void {
    const h = this.h;
    const status = h.status;
    // 1xx informational responses (not 101, which we never ask for) precede the real one.
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ProtocolError('unexpected 101 Switching Protocols');
      return;
    }
    const transfer = h.coding !== Coding.None;
    // An invalid length frames nothing (§6.3 item 5); beside Transfer-Encoding it is ignored (item 3).
    if (h.length === INVALID_LENGTH && !transfer) throw new ProtocolError('bad Content-Length');
    this.status = status;
    this.keepAlive = h.says === undefined ? h.minor >= 1 : h.says === 'keep-alive';
    // Both framings, or chunked from HTTP/1.0, may be a smuggling attempt: close after it (§6.1, §6.3 item 3).
    if (transfer && (h.length !== -1 || h.minor === 0)) this.keepAlive = false;
    this.idleTimeoutMs = h.idleSeconds < 0 ? -1 : h.idleSeconds * 1000;
    if (this.options.wantHeaders) this.headerBlock = buf.toString('latin1', h.headersStart, h.headersEnd);
    this.frameBody(transfer ? -1 : h.length);
  }

  private frameBody(length: number): void {
    if (this.options.head || this.status === 204 || this.status === 304) {
      this.state = State.Done;
    } else if (this.h.coding === Coding.Chunked) {
      this.state = State.ChunkSize;
    } else if (length >= 0) {
      this.remaining = length;
      this.state = length === 0 ? State.Done : State.Length;
    } else {
      // No length, or a coding other than chunked last: the body runs until close.
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
  }

  /** Reads one line (LF or CRLF) into `this.line` (across chunks); returns the position after it, or -1. */
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
