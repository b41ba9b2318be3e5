import { describe, expect, it } from 'vitest';
import { type ParseOptions, ProtocolError, ResponseParser } from './response-parser.js';

const ALL: ParseOptions = { head: false, wantHeaders: true, wantBody: true };

interface Parsed {
  status: number;
  keepAlive: boolean;
  body: string | undefined;
  headers: string | undefined;
  idleMs: number;
  tooLarge: boolean;
  /** Offset just past the response in the concatenated input. */
  end: number;
}

/** Feeds `text` in the given pieces; returns what the parser saw once the response completed. */
function parse(pieces: readonly string[], options: ParseOptions = ALL, closeAtEnd = false): Parsed | undefined {
  const parser = new ResponseParser();
  parser.begin(options);
  let offset = 0;
  for (const piece of pieces) {
    const chunk = Buffer.from(piece, 'latin1');
    const end = parser.execute(chunk);
    if (end >= 0) return result(parser, offset + end);
    offset += chunk.length;
  }
  if (closeAtEnd && parser.finishOnClose()) return result(parser, offset);
  return undefined;
}

function result(parser: ResponseParser, end: number): Parsed {
  const body = parser.body === undefined ? undefined : Buffer.concat(parser.body).toString('latin1');
  const { status, keepAlive, headerBlock: headers, idleTimeoutMs: idleMs, bodyTooLarge: tooLarge } = parser;
  return { status, keepAlive, body, headers, idleMs, tooLarge, end };
}

/** Every way of cutting the text in two, and byte by byte: each must be rejected as malformed. */
function expectMalformed(text: string): void {
  expect(() => parse([text]), text).toThrow(ProtocolError);
  for (let cut = 1; cut < text.length; cut++) {
    expect(() => parse([text.slice(0, cut), text.slice(cut)]), `${text} cut at ${cut}`).toThrow(ProtocolError);
  }
  expect(() => parse([...text]), text).toThrow(ProtocolError);
}

/** Every way of cutting the text in two, and byte by byte: each must parse exactly as the whole does. */
function expectSplitInvariant(text: string, options: ParseOptions = ALL, closeAtEnd = false): Parsed | undefined {
  const whole = parse([text], options, closeAtEnd);
  for (let cut = 1; cut < text.length; cut++) {
    expect(parse([text.slice(0, cut), text.slice(cut)], options, closeAtEnd), `cut at ${cut}`).toEqual(whole);
  }
  expect(parse([...text], options, closeAtEnd)).toEqual(whole);
  return whole;
}

const OK =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\nKeep-Alive: timeout=5\r\n\r\n{"hello":"w"}';

describe('ResponseParser', () => {
  it('frames a Content-Length response, whichever way the bytes arrive', () => {
    const r = expectSplitInvariant(OK);
    expect(r).toEqual({
      status: 200,
      keepAlive: true,
      body: '{"hello":"w"}',
      headers: 'Content-Type: application/json\r\nContent-Length: 13\r\nKeep-Alive: timeout=5',
      idleMs: 5000,
      tooLarge: false,
      end: OK.length,
    });
  });

  it('stops at the end of the response and reports where, so extra bytes are seen', () => {
    const parser = new ResponseParser();
    parser.begin(ALL);
    expect(parser.execute(Buffer.from(OK + OK, 'latin1'))).toBe(OK.length);
  });

  it('keeps nothing it was not asked for', () => {
    const r = parse([OK], { head: false, wantHeaders: false, wantBody: false });
    expect(r).toMatchObject({ status: 200, body: undefined, headers: undefined, end: OK.length });
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const text =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: t\r\n\r\n';
    expect(expectSplitInvariant(text)).toMatchObject({
      status: 201,
      body: 'hello, chunked!',
      keepAlive: true,
      end: text.length,
    });
  });

  it('has no body for HEAD, 204 and 304, whatever the headers say', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n';
    expect(parse([head], { ...ALL, head: true })).toMatchObject({ status: 200, body: '', end: head.length });
    for (const status of ['204 No Content', '304 Not Modified']) {
      const text = `HTTP/1.1 ${status}\r\nContent-Length: 7\r\n\r\n`;
      expect(parse([text])).toMatchObject({ status: Number(status.slice(0, 3)), end: text.length });
    }
  });

  it('skips 1xx informational responses before the real one', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n' + OK;
    expect(expectSplitInvariant(text)).toMatchObject({ status: 200, body: '{"hello":"w"}', end: text.length });
  });

  it('reads a body with no length until the connection closes, and does not reuse that connection', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this';
    expect(parse([text])).toBeUndefined();
    expect(expectSplitInvariant(text, ALL, true)).toMatchObject({ status: 200, body: 'all of this', keepAlive: false });
  });

  it('follows Connection and the HTTP version for keep-alive', () => {
    const cases: [string, boolean][] = [
      ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
      ['HTTP/1.1 200 OK\r\nconnection: Keep-Alive, Upgrade-Insecure\r\nContent-Length: 0\r\n\r\n', true],
      ['HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', true],
    ];
    for (const [text, keepAlive] of cases) expect(parse([text])?.keepAlive, text).toBe(keepAlive);
  });

  it('rejects what is not a well-formed HTTP/1.x response', () => {
    const bad = [
      'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      'HTTP/1.1 2x0 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY',
    ];
    for (const text of bad) expect(() => parse([text]), text).toThrow(ProtocolError);
  });

  it('bounds the head it will buffer', () => {
    const parser = new ResponseParser();
    parser.begin(ALL);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n', 'latin1'));
    const filler = Buffer.from(`X-Pad: ${'a'.repeat(1000)}\r\n`, 'latin1');
    expect(() => {
      for (let i = 0; i < 100; i++) parser.execute(filler);
    }).toThrow(/larger than/);
  });

  it('is reusable: begin() forgets the previous response', () => {
    const parser = new ResponseParser();
    parser.begin(ALL);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi', 'latin1'));
    parser.begin(ALL);
    expect(parser.started).toBe(false);
    expect(parser.execute(Buffer.from(OK, 'latin1'))).toBe(OK.length);
    expect(parser.keepAlive).toBe(true);
  });
});

describe('ResponseParser follows RFC 9112', () => {
  it('rejects a malformed response at once, however it arrives, instead of waiting for more', () => {
    for (const text of [
      'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi',
      'HTTP/1.1 200 OK\r\nContent Length: 2\r\n\r\nhi',
      'HTTP/1.1 200 OK\r\n: 2\r\n\r\nhi',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhi',
      'HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nhi',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2x\r\nhi\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nhi\r\n0\r\n\r\n',
      'garbage, not a status line\r\n\r\n',
      'HTTP/1.1\r\n\r\n',
      'HTTP/9.1 200 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\n folded before any field\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\r\n\r\n',
    ]) {
      expectMalformed(text);
    }
  });

  it('requires exactly three digits in the status code', () => {
    expectMalformed('HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n');
    expectMalformed('HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n');
    // The reason phrase is optional, and so is the space before it.
    for (const line of ['HTTP/1.1 204', 'HTTP/1.1 204 ']) {
      expect(expectSplitInvariant(`${line}\r\n\r\n`)).toMatchObject({ status: 204 });
    }
  });

  it('accepts bare LF line endings in the status line, header lines and chunk lines', () => {
    const lf = 'HTTP/1.1 200 OK\nContent-Length: 2\nX-A: 1\n\nhi';
    expect(expectSplitInvariant(lf)).toMatchObject({ status: 200, body: 'hi', headers: 'Content-Length: 2\nX-A: 1' });
    const chunked = 'HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhi\n3;x=y\n!!!\n0\nX-T: t\n\n';
    expect(expectSplitInvariant(chunked)).toMatchObject({ body: 'hi!!!', keepAlive: true, end: chunked.length });
    const mixed = 'HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nhi';
    expect(expectSplitInvariant(mixed)).toMatchObject({ body: 'hi', end: mixed.length });
  });

  it('replaces an obsolete folded line with spaces instead of rejecting it', () => {
    const text =
      'HTTP/1.1 200 OK\r\nX-Folded: one\r\n\ttwo\r\nContent-Length:\r\n 2\r\nKeep-Alive:\n timeout=3\r\n\r\nhi';
    const r = expectSplitInvariant(text);
    expect(r).toMatchObject({ status: 200, body: 'hi', idleMs: 3000, end: text.length });
    expect(r?.headers?.replace(/ +/g, ' ')).toBe('X-Folded: one \ttwo\r\nContent-Length: 2\r\nKeep-Alive: timeout=3');
  });

  it('lets chunked win over Content-Length, and closes the connection after such a response', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n';
    expect(expectSplitInvariant(text)).toMatchObject({ body: 'hi', keepAlive: false, end: text.length });
    const invalidLength = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n0\r\n\r\n';
    expect(expectSplitInvariant(invalidLength)).toMatchObject({ body: '', keepAlive: false });
    const other = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw';
    expect(expectSplitInvariant(other, ALL, true)).toMatchObject({ body: 'raw', keepAlive: false });
  });

  it("reads Keep-Alive's timeout so an idle connection can be retired before the server closes it", () => {
    const cases: [string, number][] = [
      ['Keep-Alive: timeout=5, max=100', 5000],
      ['keep-alive: max=100,timeout = 1', 1000],
      ['Keep-Alive: max=100', -1],
      ['Keep-Alive: xtimeout=7', -1],
    ];
    for (const [line, idleMs] of cases) {
      expect(expectSplitInvariant(`HTTP/1.1 200 OK\r\n${line}\r\nContent-Length: 0\r\n\r\n`)?.idleMs, line).toBe(
        idleMs,
      );
    }
  });

  it('keeps at most maxBodyBytes of a body and drains the rest', () => {
    const options = { ...ALL, maxBodyBytes: 4 };
    const r = expectSplitInvariant(OK, options);
    expect(r).toMatchObject({ status: 200, body: undefined, tooLarge: true, end: OK.length });
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n';
    expect(expectSplitInvariant(chunked, options)).toMatchObject({ body: undefined, tooLarge: true });
    expect(expectSplitInvariant(chunked, { ...ALL, maxBodyBytes: 6 })).toMatchObject({
      body: 'abcdef',
      tooLarge: false,
    });
  });
});
