import { H2ProtocolError } from './h2-error.js';

/**
 * HPACK's static Huffman code (RFC 7541 Appendix B), stored as each symbol's code length: the code is canonical
 * (codes of one length are consecutive, in symbol order, shorter codes first), so the lengths determine every
 * code, and the unit tests check the derived codes against the RFC's table and examples. Symbol 256 is EOS.
 */
// prettier-ignore
const LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

const EOS = 256;

/** Each symbol's code, right-aligned, from the lengths (canonical assignment). */
export const HUFFMAN_CODES: readonly number[] = (() => {
  const codes = new Array<number>(LENGTHS.length).fill(0);
  let code = 0;
  for (let len = 1; len <= 30; len++) {
    for (let sym = 0; sym < LENGTHS.length; sym++) if (LENGTHS[sym] === len) codes[sym] = code++;
    code *= 2;
  }
  return codes;
})();
export const HUFFMAN_LENGTHS = LENGTHS;

/**
 * A decoding automaton read four bits at a time: one state per inner node of the code tree (256), sixteen
 * transitions each. A transition packs the next state (bits 0–7), the symbol it completes plus one (bits 8–16,
 * 0 for none; a 5-bit minimum code length means at most one per nibble) and a failure bit (bit 17: EOS seen).
 * `ACCEPTS[state]` says whether a string may end there: at the root, or inside a run of at most 7 one-bits,
 * which is EOS's prefix used as padding (RFC 7541 §5.2).
 */
const FAIL = 1 << 17;
const { TRANSITIONS, ACCEPTS } = (() => {
  // The code tree: children of inner node n at 2n and 2n+1; a leaf is stored as -(symbol + 1).
  const children: number[] = [0, 0];
  const depth: number[] = [0];
  const ones: boolean[] = [true];
  let inner = 1;
  for (let sym = 0; sym < LENGTHS.length; sym++) {
    const len = LENGTHS[sym] as number;
    const code = HUFFMAN_CODES[sym] as number;
    let node = 0;
    for (let i = len - 1; i > 0; i--) {
      const bit = Math.floor(code / 2 ** i) % 2;
      let next = children[2 * node + bit] as number;
      if (next === 0) {
        next = inner++;
        children[2 * node + bit] = next;
        children.push(0, 0);
        depth[next] = (depth[node] as number) + 1;
        ones[next] = (ones[node] as boolean) && bit === 1;
      }
      node = next;
    }
    children[2 * node + (code % 2)] = -(sym + 1);
  }
  const transitions = new Int32Array(inner * 16);
  const accepts = new Uint8Array(inner);
  for (let state = 0; state < inner; state++) {
    accepts[state] = state === 0 || ((ones[state] as boolean) && (depth[state] as number) <= 7) ? 1 : 0;
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let out = 0;
      for (let b = 3; b >= 0; b--) {
        const next = children[2 * node + ((nibble >> b) & 1)] as number;
        if (next >= 0) {
          node = next;
          continue;
        }
        const sym = -next - 1;
        if (sym === EOS) out |= FAIL;
        else out |= (sym + 1) << 8;
        node = 0;
      }
      transitions[state * 16 + nibble] = out | node;
    }
  }
  return { TRANSITIONS: transitions, ACCEPTS: accepts };
})();

let scratch = Buffer.allocUnsafe(4096);

/** Decodes a Huffman-coded string (RFC 7541 §5.2) as latin1; a bad code or padding is a COMPRESSION_ERROR. */
export function huffmanDecode(src: Buffer, start: number, end: number): string {
  // The shortest code is 5 bits: at most 8 symbols per 5 bytes.
  const most = Math.ceil(((end - start) * 8) / 5);
  if (scratch.length < most) scratch = Buffer.allocUnsafe(most * 2);
  const out = scratch;
  let n = 0;
  let state = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i] as number;
    let t = TRANSITIONS[state * 16 + (byte >> 4)] as number;
    if ((t & FAIL) !== 0) throw new H2ProtocolError('HPACK: EOS inside a Huffman string', 'COMPRESSION_ERROR');
    if (t >> 8 !== 0) out[n++] = (t >> 8) - 1;
    state = t & 0xff;
    t = TRANSITIONS[state * 16 + (byte & 15)] as number;
    if ((t & FAIL) !== 0) throw new H2ProtocolError('HPACK: EOS inside a Huffman string', 'COMPRESSION_ERROR');
    if (t >> 8 !== 0) out[n++] = (t >> 8) - 1;
    state = t & 0xff;
  }
  if (ACCEPTS[state] !== 1) throw new H2ProtocolError('HPACK: bad Huffman padding', 'COMPRESSION_ERROR');
  return out.toString('latin1', 0, n);
}

/** Huffman-encodes a latin1 string: for tests, and for callers that want the shorter form. */
export function huffmanEncode(text: string): Buffer {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const sym = text.charCodeAt(i) & 0xff;
    const len = LENGTHS[sym] as number;
    let code = HUFFMAN_CODES[sym] as number;
    // Codes are up to 30 bits: feed them in pieces small enough for 32-bit arithmetic.
    for (let left = len; left > 0;) {
      const take = Math.min(left, 8);
      const piece = Math.floor(code / 2 ** (left - take)) % 2 ** take;
      code -= piece * 2 ** (left - take);
      left -= take;
      acc = (acc << take) | piece;
      bits += take;
      while (bits >= 8) {
        bits -= 8;
        bytes.push((acc >> bits) & 0xff);
      }
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) bytes.push(((acc << (8 - bits)) | ((1 << (8 - bits)) - 1)) & 0xff);
  return Buffer.from(bytes);
}
