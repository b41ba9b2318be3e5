import { describe, expect, it } from 'vitest';
import {
  dataFrame,
  FLAG,
  FRAME,
  frame,
  FrameReader,
  goawayFrame,
  headersFrames,
  pingAckFrame,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from './h2-frame.js';
import { H2ProtocolError } from './h2-error.js';

type Seen = [type: number, flags: number, streamId: number, payloadHex: string];

function read(pieces: readonly Buffer[], maxFrameSize?: number): Seen[] {
  const seen: Seen[] = [];
  const reader = new FrameReader((type, flags, id, buf, start, end) => {
    seen.push([type, flags, id, buf.subarray(start, end).toString('hex')]);
  }, maxFrameSize);
  for (const piece of pieces) reader.push(piece);
  return seen;
}

const body = Buffer.from('{"ok":true}');
const STREAM = Buffer.concat([
  settingsFrame([
    [3, 100],
    [4, 1 << 20],
  ]),
  frame(FRAME.SETTINGS, FLAG.ACK, 0, undefined),
  headersFrames(1, Buffer.from('8286', 'hex'), false, 16384),
  frame(FRAME.DATA, FLAG.PADDED, 1, Buffer.from('03abcd000000', 'hex')),
  dataFrame(1, body, 0, body.length, true),
  pingAckFrame(Buffer.from('0102030405060708', 'hex'), 0),
  windowUpdateFrame(0, 12345),
  rstStreamFrame(3, 8),
  goawayFrame(5, 0),
]);

describe('FrameReader', () => {
  it('reads a run of frames as written', () => {
    expect(read([STREAM])).toEqual([
      [FRAME.SETTINGS, 0, 0, '000300000064000400100000'],
      [FRAME.SETTINGS, FLAG.ACK, 0, ''],
      [FRAME.HEADERS, FLAG.END_HEADERS, 1, '8286'],
      [FRAME.DATA, FLAG.PADDED, 1, '03abcd000000'],
      [FRAME.DATA, FLAG.END_STREAM, 1, body.toString('hex')],
      [FRAME.PING, FLAG.ACK, 0, '0102030405060708'],
      [FRAME.WINDOW_UPDATE, 0, 0, '00003039'],
      [FRAME.RST_STREAM, 0, 3, '00000008'],
      [FRAME.GOAWAY, 0, 0, '0000000500000000'],
    ]);
  });

  it('reads the same frames however the bytes are split: at every boundary, and byte by byte', () => {
    const whole = read([STREAM]);
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(read([STREAM.subarray(0, cut), STREAM.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    const bytes = [...STREAM].map((b) => Buffer.from([b]));
    expect(read(bytes)).toEqual(whole);
  });

  it('ignores the reserved bit of the stream id', () => {
    const f = frame(FRAME.DATA, 0, 7, Buffer.from('x'));
    f[5] = (f[5] as number) | 0x80;
    expect(read([f])).toEqual([[FRAME.DATA, 0, 7, '78']]);
  });

  it('refuses a frame larger than our SETTINGS_MAX_FRAME_SIZE as a FRAME_SIZE_ERROR, from its header alone', () => {
    const big = frame(FRAME.DATA, 0, 1, Buffer.alloc(16385));
    expect(() => read([big.subarray(0, 9)])).toThrow(H2ProtocolError);
    expect(() => read([big])).toThrow(/FRAME_SIZE_ERROR/);
    expect(read([frame(FRAME.DATA, 0, 1, Buffer.alloc(16384))])).toHaveLength(1);
  });
});

describe('headersFrames', () => {
  it('splits a block larger than the peer frame size into HEADERS and CONTINUATION, END_HEADERS on the last', () => {
    const block = Buffer.from('abcdefghij');
    const seen = read([headersFrames(9, block, true, 4)]);
    expect(seen).toEqual([
      [FRAME.HEADERS, FLAG.END_STREAM, 9, Buffer.from('abcd').toString('hex')],
      [FRAME.CONTINUATION, 0, 9, Buffer.from('efgh').toString('hex')],
      [FRAME.CONTINUATION, FLAG.END_HEADERS, 9, Buffer.from('ij').toString('hex')],
    ]);
  });
});
