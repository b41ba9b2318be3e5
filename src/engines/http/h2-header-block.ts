import { FLAG } from './h2-frame.js';
import { H2ProtocolError } from './h2-error.js';

/** A header block split over CONTINUATION frames may not grow past this: a bound on what a server makes us hold. */
const MAX_HEADER_BLOCK = 256 * 1024;

export type BlockSink = (streamId: number, endStream: boolean, buf: Buffer, from: number, to: number) => void;

const protocol = (message: string): H2ProtocolError => new H2ProtocolError(message);

/**
 * Joins a header block from a HEADERS frame (its padding and priority fields removed) and the CONTINUATION frames
 * that follow it (RFC 9113 §6.2, §6.10). A block in one frame is handed over in place; only a continued one is
 * copied.
 */
export class HeaderBlocks {
  private continued: { streamId: number; endStream: boolean; parts: Buffer[]; size: number } | undefined;

  constructor(private readonly sink: BlockSink) {}

  /** A block has begun and awaits CONTINUATION: no other frame may come between. */
  get waiting(): boolean {
    return this.continued !== undefined;
  }

  headers(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    let from = start;
    let to = end;
    if ((flags & FLAG.PADDED) !== 0) {
      if (to - from < 1) throw protocol('PADDED HEADERS without a pad length');
      to -= buf[from] as number;
      from++;
    }
    if ((flags & FLAG.PRIORITY) !== 0) from += 5;
    if (to < from) throw protocol('HEADERS padding or priority longer than the frame');
    const endStream = (flags & FLAG.END_STREAM) !== 0;
    if ((flags & FLAG.END_HEADERS) !== 0) return this.sink(id, endStream, buf, from, to);
    const part = Buffer.from(buf.subarray(from, to));
    this.continued = { streamId: id, endStream, parts: [part], size: part.length };
  }

  continuation(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    const c = this.continued;
    if (c === undefined || c.streamId !== id) throw protocol('CONTINUATION without a HEADERS before it');
    c.parts.push(Buffer.from(buf.subarray(start, end)));
    c.size += end - start;
    if (c.size > MAX_HEADER_BLOCK) throw protocol(`header block over ${MAX_HEADER_BLOCK} bytes`);
    if ((flags & FLAG.END_HEADERS) === 0) return;
    this.continued = undefined;
    const block = Buffer.concat(c.parts);
    this.sink(id, c.endStream, block, 0, block.length);
  }
}
