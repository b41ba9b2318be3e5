import { describe, expect, it } from 'vitest';
import { H2ProtocolError } from './h2-error.js';
import { HUFFMAN_CODES, HUFFMAN_LENGTHS, huffmanDecode, huffmanEncode } from './hpack-huffman.js';
import { encodeHeaderBlock, HpackDecoder } from './hpack.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const decodeHuffman = (s: string): string => {
  const b = hex(s);
  return huffmanDecode(b, 0, b.length);
};

function decodeBlock(decoder: HpackDecoder, block: Buffer): [string, string][] {
  const out: string[] = [];
  decoder.decode(block, 0, block.length, out);
  const pairs: [string, string][] = [];
  for (let i = 0; i < out.length; i += 2) pairs.push([out[i] as string, out[i + 1] as string]);
  return pairs;
}

describe('HPACK Huffman code (RFC 7541 Appendix B)', () => {
  it('derives the RFC table codes from the lengths', () => {
    // [symbol, code as hex aligned to LSB, length], rows of Appendix B.
    const rows: [number, number, number][] = [
      [0, 0x1ff8, 13],
      [1, 0x7fffd8, 23],
      [9, 0xffffea, 24],
      [10, 0x3ffffffc, 30],
      [32, 0x14, 6],
      [48, 0x0, 5],
      [58, 0x5c, 7],
      [92, 0x7fff0, 19],
      [97, 0x3, 5],
      [127, 0xffffffc, 28],
      [153, 0x1fffdc, 21],
      [199, 0x1ffffec, 25],
      [203, 0x7ffffde, 27],
      [255, 0x3ffffee, 26],
      [256, 0x3fffffff, 30],
    ];
    for (const [sym, code, len] of rows) {
      expect([HUFFMAN_CODES[sym], HUFFMAN_LENGTHS[sym]], `symbol ${sym}`).toEqual([code, len]);
    }
  });

  it('is a complete prefix code (Kraft sum exactly 1)', () => {
    expect(HUFFMAN_LENGTHS).toHaveLength(257);
    expect(HUFFMAN_LENGTHS.reduce((sum, len) => sum + 2 ** -len, 0)).toBe(1);
  });

  it('decodes the RFC 7541 Appendix C.4 strings', () => {
    expect(decodeHuffman('f1e3 c2e5 f23a 6ba0 ab90 f4ff')).toBe('www.example.com');
    expect(decodeHuffman('a8eb 1064 9cbf')).toBe('no-cache');
    expect(decodeHuffman('25a8 49e9 5ba9 7d7f')).toBe('custom-key');
    expect(decodeHuffman('25a8 49e9 5bb8 e8b4 bf')).toBe('custom-value');
    expect(huffmanEncode('www.example.com')).toEqual(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'));
  });

  it('round-trips every byte value, alone and in runs', () => {
    for (let b = 0; b < 256; b++) {
      const text = String.fromCharCode(b);
      const encoded = huffmanEncode(text);
      expect(huffmanDecode(encoded, 0, encoded.length), `byte ${b}`).toBe(text);
    }
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(255 - i)).join('');
    const encoded = huffmanEncode(all + all);
    expect(huffmanDecode(encoded, 0, encoded.length)).toBe(all + all);
  });

  it('refuses EOS, padding longer than 7 bits, and padding that is not EOS bits', () => {
    expect(() => decodeHuffman('ffff ffff')).toThrow(H2ProtocolError); // 30 one-bits: EOS
    expect(() => decodeHuffman('1fff')).toThrow(/padding/); // 'a' then 11 one-bits
    expect(() => decodeHuffman('18')).toThrow(/padding/); // 'a' then 000
    expect(decodeHuffman('1f')).toBe('a');
  });
});

describe('HpackDecoder', () => {
  it('decodes the requests of RFC 7541 C.3 (no Huffman), keeping the dynamic table', () => {
    const d = new HpackDecoder();
    expect(decodeBlock(d, hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.table).toEqual([[':authority', 'www.example.com']]);
    expect(d.tableSize).toBe(57);
    expect(decodeBlock(d, hex('8286 84be 5808 6e6f 2d63 6163 6865'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(d.tableSize).toBe(110);
    const third = hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65');
    expect(decodeBlock(d, third)).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
    expect(d.table).toEqual([
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.tableSize).toBe(164);
  });

  it('decodes the requests of RFC 7541 C.4 (Huffman)', () => {
    const d = new HpackDecoder();
    decodeBlock(d, hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
    decodeBlock(d, hex('8286 84be 5886 a8eb 1064 9cbf'));
    const third = decodeBlock(d, hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'));
    expect(third.at(-1)).toEqual(['custom-key', 'custom-value']);
    expect(d.tableSize).toBe(164);
  });

  it('decodes the C.2 representations: literal without indexing, never indexed', () => {
    const d = new HpackDecoder();
    expect(decodeBlock(d, hex('040c 2f73 616d 706c 652f 7061 7468'))).toEqual([[':path', '/sample/path']]);
    expect(decodeBlock(d, hex('1008 7061 7373 776f 7264 0673 6563 7265 74'))).toEqual([['password', 'secret']]);
    expect(d.tableSize).toBe(0);
  });

  it('applies a size update (C.1.2: 1337 on a 5-bit prefix) and evicts oldest entries first', () => {
    const d = new HpackDecoder();
    decodeBlock(d, hex('3f9a0a'));
    expect(d.maxTableSize).toBe(1337);
    // Shrink to 100 bytes: room for one 42-byte entry and one 43-byte one, not a third.
    const add = (name: string, value: string): string =>
      '40' +
      Buffer.from([name.length]).toString('hex') +
      Buffer.from(name).toString('hex') +
      Buffer.from([value.length]).toString('hex') +
      Buffer.from(value).toString('hex');
    decodeBlock(d, hex('3f45' + add('a', 'bcdefghij') + add('k', 'lmnopqrstu')));
    expect(d.table).toEqual([
      ['k', 'lmnopqrstu'],
      ['a', 'bcdefghij'],
    ]);
    decodeBlock(d, hex(add('x', 'y')));
    expect(d.table).toEqual([
      ['x', 'y'],
      ['k', 'lmnopqrstu'],
    ]);
    // Indexed dynamic entry 62 is the newest.
    expect(decodeBlock(d, hex('be'))).toEqual([['x', 'y']]);
  });

  it('refuses what breaks RFC 7541 as a COMPRESSION_ERROR', () => {
    const bad = ['80', 'be', '82 3f45', '3fe21f', '04 0c 2f73', '0f ffffffffff0f 00', '41 82 ffff'];
    for (const block of bad) {
      expect(() => decodeBlock(new HpackDecoder(), hex(block)), block).toThrow(/COMPRESSION_ERROR/);
    }
  });
});

describe('encodeHeaderBlock', () => {
  it('indexes whole static fields and sends the rest as literals without indexing', () => {
    expect(encodeHeaderBlock([[':method', 'GET']])).toEqual(hex('82'));
    expect(encodeHeaderBlock([[':path', '/sample/path']])).toEqual(hex('040c 2f73 616d 706c 652f 7061 7468'));
    expect(encodeHeaderBlock([['password', 'secret']])).toEqual(hex('0008 7061 7373 776f 7264 0673 6563 7265 74'));
  });

  it('round-trips through the decoder, long values included, leaving its table empty', () => {
    const fields: [string, string][] = [
      [':method', 'POST'],
      [':scheme', 'https'],
      [':authority', 'api.internal:8443'],
      [':path', '/a/b?c=d'],
      ['content-type', 'application/json'],
      ['x-long', 'v'.repeat(3000)],
    ];
    const d = new HpackDecoder();
    expect(decodeBlock(d, encodeHeaderBlock(fields))).toEqual(fields);
    expect(d.tableSize).toBe(0);
  });
});
