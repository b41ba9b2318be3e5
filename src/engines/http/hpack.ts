import { H2ProtocolError } from './h2-error.js';
import { huffmanDecode } from './hpack-huffman.js';

/**
 * HPACK (RFC 7541), written here rather than taken from npm: the candidates were hpack.js (stream-based, its last
 * release in 2017, built on readable-stream 2) and `hpack` (one release, unmaintained); the HTTP/2 client decodes
 * a header block per response on its hot path, so it needs a decoder that allocates little
 * (docs/benchmarks.md, HTTP/2).
 */

/** The static table (RFC 7541 Appendix A), index 1 first. */
// prettier-ignore
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/** Our SETTINGS_HEADER_TABLE_SIZE: the protocol default, which we never change. */
export const HEADER_TABLE_SIZE = 4096;
/** A header list larger than this (decoded) is refused: a bound on what one response may make us hold. */
const MAX_HEADER_LIST = 256 * 1024;

const fail = (message: string): H2ProtocolError => new H2ProtocolError(`HPACK: ${message}`, 'COMPRESSION_ERROR');

/**
 * Decodes header blocks of one connection, keeping its dynamic table. Fields are pushed onto the caller's array
 * as name, value, name, value…, so a block costs no object per field.
 */
export class HpackDecoder {
  /** Newest entry last; a dynamic index i is entries[length - i]. */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private size = 0;
  private maxSize = HEADER_TABLE_SIZE;
  private pos = 0;

  /** The dynamic table's entries, newest first (for tests). */
  get table(): [string, string][] {
    return this.names.map((n, i) => [n, this.values[i] as string] as [string, string]).reverse();
  }

  get tableSize(): number {
    return this.size;
  }

  get maxTableSize(): number {
    return this.maxSize;
  }

  decode(block: Buffer, start: number, end: number, out: string[]): void {
    this.pos = start;
    let listSize = 0;
    let first = true;
    while (this.pos < end) {
      const b = block[this.pos] as number;
      if (b >= 0x80) {
        const index = this.integer(block, end, 7);
        this.pushIndexed(index, out);
      } else if (b >= 0x40) {
        const nameIndex = this.integer(block, end, 6);
        const name = nameIndex === 0 ? this.string(block, end) : this.nameAt(nameIndex);
        const value = this.string(block, end);
        this.add(name, value);
        out.push(name, value);
      } else if (b >= 0x20) {
        // A size update may only open a block (RFC 7541 §4.2).
        if (!first) throw fail('dynamic table size update after a field');
        const size = this.integer(block, end, 5);
        if (size > HEADER_TABLE_SIZE) throw fail(`table size ${size} above our limit ${HEADER_TABLE_SIZE}`);
        this.maxSize = size;
        this.evict(0);
        continue;
      } else {
        // Without indexing (0000) or never indexed (0001): the same to a decoder.
        const nameIndex = this.integer(block, end, 4);
        const name = nameIndex === 0 ? this.string(block, end) : this.nameAt(nameIndex);
        out.push(name, this.string(block, end));
      }
      first = false;
      listSize += (out[out.length - 2] as string).length + (out[out.length - 1] as string).length + 32;
      if (listSize > MAX_HEADER_LIST) throw fail('header list too large');
    }
  }

  private pushIndexed(index: number, out: string[]): void {
    if (index === 0) throw fail('index 0');
    if (index <= STATIC_TABLE.length) {
      const entry = STATIC_TABLE[index - 1] as readonly [string, string];
      out.push(entry[0], entry[1]);
      return;
    }
    const at = this.names.length - (index - STATIC_TABLE.length);
    if (at < 0) throw fail(`index ${index} beyond the table`);
    out.push(this.names[at] as string, this.values[at] as string);
  }

  private nameAt(index: number): string {
    if (index <= STATIC_TABLE.length) return (STATIC_TABLE[index - 1] as readonly [string, string])[0];
    const at = this.names.length - (index - STATIC_TABLE.length);
    if (at < 0) throw fail(`name index ${index} beyond the table`);
    return this.names[at] as string;
  }

  private add(name: string, value: string): void {
    const entrySize = name.length + value.length + 32;
    // An entry larger than the table empties it and is not added (RFC 7541 §4.4).
    this.evict(entrySize);
    if (entrySize > this.maxSize) return;
    this.names.push(name);
    this.values.push(value);
    this.size += entrySize;
  }

  /** Evicts the oldest entries until `room` more bytes fit. */
  private evict(room: number): void {
    while (this.size + room > this.maxSize && this.names.length > 0) {
      const name = this.names.shift() as string;
      const value = this.values.shift() as string;
      this.size -= name.length + value.length + 32;
    }
  }

  /** An integer with an N-bit prefix (RFC 7541 §5.1). */
  private integer(block: Buffer, end: number, prefixBits: number): number {
    const max = (1 << prefixBits) - 1;
    let value = (block[this.pos++] as number) & max;
    if (value < max) return value;
    let shift = 0;
    for (;;) {
      if (this.pos >= end) throw fail('integer cut short');
      const b = block[this.pos++] as number;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (value > 0x7fffffff) throw fail('integer too large');
      if (b < 0x80) return value;
    }
  }

  /** A string literal (RFC 7541 §5.2): raw latin1 or Huffman-coded. */
  private string(block: Buffer, end: number): string {
    if (this.pos >= end) throw fail('string cut short');
    const huffman = (block[this.pos] as number) >= 0x80;
    const length = this.integer(block, end, 7);
    const start = this.pos;
    if (start + length > end) throw fail('string longer than its block');
    this.pos += length;
    return huffman ? huffmanDecode(block, start, start + length) : block.toString('latin1', start, start + length);
  }
}

/** Appends an HPACK integer with an N-bit prefix whose high bits are `flags`. */
function pushInteger(out: number[], flags: number, prefixBits: number, value: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  let rest = value - max;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function pushString(out: number[], text: string): void {
  pushInteger(out, 0, 7, text.length);
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 0xff);
}

const STATIC_FIELD = new Map(STATIC_TABLE.map(([n, v], i) => [`${n}\0${v}`, i + 1]));
const STATIC_NAME = new Map<string, number>();
STATIC_TABLE.forEach(([n], i) => {
  if (!STATIC_NAME.has(n)) STATIC_NAME.set(n, i + 1);
});

/**
 * Encodes a header list (latin1 names and values, names in lower case) without touching the dynamic table:
 * a field the static table holds whole is indexed, any other is a literal without indexing, by static name
 * index when there is one. The encoder keeps no state, so one block can be made once and sent on any connection.
 */
export function encodeHeaderBlock(fields: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    const whole = STATIC_FIELD.get(`${name}\0${value}`);
    if (whole !== undefined) {
      pushInteger(out, 0x80, 7, whole);
      continue;
    }
    const nameIndex = STATIC_NAME.get(name);
    if (nameIndex !== undefined) pushInteger(out, 0, 4, nameIndex);
    else {
      out.push(0);
      pushString(out, name);
    }
    pushString(out, value);
  }
  return Buffer.from(out);
}
