import { H2ProtocolError } from './h2-error.js';

/** Frame types (RFC 9113 §6). */
export const FRAME = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

/** SETTINGS identifiers (RFC 9113 §6.5.2). */
export const SETTING = {
  HEADER_TABLE_SIZE: 1,
  ENABLE_PUSH: 2,
  MAX_CONCURRENT_STREAMS: 3,
  INITIAL_WINDOW_SIZE: 4,
  MAX_FRAME_SIZE: 5,
  MAX_HEADER_LIST_SIZE: 6,
} as const;

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** The smallest SETTINGS_MAX_FRAME_SIZE, ours: we never ask for larger frames. */
export const DEFAULT_MAX_FRAME = 16384;
export const DEFAULT_WINDOW = 65535;
export const MAX_WINDOW = 0x7fffffff;
const HEADER = 9;

/**
 * Receives one frame: its payload is `buf[start, end)`. The reader never reuses `buf` (a socket read, or a join of
 * two), so a DATA consumer may keep a subarray of it, which shares rather than copies the bytes.
 */
export type FrameSink = (
  type: number,
  flags: number,
  streamId: number,
  buf: Buffer,
  start: number,
  end: number,
) => void;

/**
 * Cuts a byte stream into HTTP/2 frames, wherever the reads happen to split them. Whole frames are handed over
 * in place; only a frame split across reads is copied, once, when its last byte arrives.
 */
export class FrameReader {
  private pending: Buffer | undefined;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxFrameSize = DEFAULT_MAX_FRAME,
  ) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    const total = buf.length;
    while (total - at >= HEADER) {
      const length = ((buf[at] as number) << 16) | ((buf[at + 1] as number) << 8) | (buf[at + 2] as number);
      if (length > this.maxFrameSize) {
        throw new H2ProtocolError(
          `frame of ${length} bytes above our maximum ${this.maxFrameSize}`,
          'FRAME_SIZE_ERROR',
        );
      }
      if (total - at < HEADER + length) break;
      const type = buf[at + 3] as number;
      const flags = buf[at + 4] as number;
      const streamId = buf.readUInt32BE(at + 5) & 0x7fffffff;
      this.sink(type, flags, streamId, buf, at + HEADER, at + HEADER + length);
      at += HEADER + length;
    }
    // An incomplete frame waits, as a view, for the next read (which is then joined to it, one copy).
    if (at < total) this.pending = at === 0 ? buf : buf.subarray(at);
  }
}

function writeHeader(out: Buffer, at: number, length: number, type: number, flags: number, streamId: number): void {
  out[at] = length >>> 16;
  out[at + 1] = (length >>> 8) & 0xff;
  out[at + 2] = length & 0xff;
  out[at + 3] = type;
  out[at + 4] = flags;
  out.writeUInt32BE(streamId, at + 5);
}

export function frame(type: number, flags: number, streamId: number, payload: Buffer | undefined): Buffer {
  const length = payload?.length ?? 0;
  const out = Buffer.allocUnsafe(HEADER + length);
  writeHeader(out, 0, length, type, flags, streamId);
  payload?.copy(out, HEADER);
  return out;
}

export function settingsFrame(settings: readonly (readonly [number, number])[]): Buffer {
  const payload = Buffer.allocUnsafe(settings.length * 6);
  settings.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FRAME.SETTINGS, 0, 0, payload);
}

export const SETTINGS_ACK = frame(FRAME.SETTINGS, FLAG.ACK, 0, undefined);

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 4);
  writeHeader(out, 0, 4, FRAME.WINDOW_UPDATE, 0, streamId);
  out.writeUInt32BE(increment, HEADER);
  return out;
}

export function rstStreamFrame(streamId: number, code: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 4);
  writeHeader(out, 0, 4, FRAME.RST_STREAM, 0, streamId);
  out.writeUInt32BE(code, HEADER);
  return out;
}

export function goawayFrame(lastStreamId: number, code: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 8);
  writeHeader(out, 0, 8, FRAME.GOAWAY, 0, 0);
  out.writeUInt32BE(lastStreamId, HEADER);
  out.writeUInt32BE(code, HEADER + 4);
  return out;
}

export function pingAckFrame(buf: Buffer, start: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 8);
  writeHeader(out, 0, 8, FRAME.PING, FLAG.ACK, 0);
  buf.copy(out, HEADER, start, start + 8);
  return out;
}

/**
 * A request's header block as HEADERS (+ CONTINUATION when it exceeds the peer's frame size), in one buffer, so
 * nothing can be written between them (RFC 9113 §6.10).
 */
export function headersFrames(streamId: number, block: Buffer, endStream: boolean, maxFrame: number): Buffer {
  const count = Math.max(1, Math.ceil(block.length / maxFrame));
  const out = Buffer.allocUnsafe(block.length + count * HEADER);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const from = i * maxFrame;
    const length = Math.min(maxFrame, block.length - from);
    const last = i === count - 1;
    const type = i === 0 ? FRAME.HEADERS : FRAME.CONTINUATION;
    const flags = (last ? FLAG.END_HEADERS : 0) | (i === 0 && endStream ? FLAG.END_STREAM : 0);
    writeHeader(out, at, length, type, flags, streamId);
    block.copy(out, at + HEADER, from, from + length);
    at += HEADER + length;
  }
  return out;
}

export function dataFrame(streamId: number, body: Buffer, from: number, length: number, endStream: boolean): Buffer {
  const out = Buffer.allocUnsafe(HEADER + length);
  writeHeader(out, 0, length, FRAME.DATA, endStream ? FLAG.END_STREAM : 0, streamId);
  body.copy(out, HEADER, from, from + length);
  return out;
}
