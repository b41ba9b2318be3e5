import {
  constants,
  createServer as createH2cServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateScenario } from '../../scenario/load.js';
import { planScenario } from '../../scenario/plan.js';
import { DEFAULT_TRANSPORT } from '../../scenario/transport-plan.js';
import { originOf } from './connection.js';
import { Dialer } from './dial.js';
import { H2Connection } from './h2-connection.js';
import { FLAG, FRAME, frame, FrameReader, settingsFrame, SETTINGS_ACK } from './h2-frame.js';
import { H2RequestEncoder } from './h2-request.js';
import type { SessionWindows } from './h2-stream-user.js';
import { H2StreamSlot } from './h2-stream.js';
import { encodeHeaderBlock } from './hpack.js';
import type { Outcome } from './http-sender.js';
import { PreparedRequest } from './prepared-request.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

interface Options {
  windows?: SessionWindows;
  cap?: number;
}

/** Our HTTP/2 client on one connection to `url`: `exchange(i)` sends request i on a fresh slot. */
function client(url: string, requests: unknown[], options: Options = {}) {
  const scenario = { target: { url, http: 2, timeout: '5s' }, load: { connections: 1, duration: '1s' }, requests };
  const plan = planScenario(validateScenario(scenario, 'test'));
  const u = new URL(url);
  const connection = new H2Connection(
    new Dialer(originOf(u), DEFAULT_TRANSPORT, {}),
    options.cap ?? 10,
    options.windows,
  );
  cleanups.push(() => connection.close());
  const encoder = new H2RequestEncoder('', u.host, 'http');
  const prepared = plan.requests.map((r) => new PreparedRequest(r, '', u.host));
  const exchange = (index = 0): Promise<Outcome> =>
    new Promise((resolve) => {
      const slot = new H2StreamSlot(connection, encoder, plan.timeoutMs, { completed: (_c, o) => resolve(o) });
      slot.send(prepared[index] as PreparedRequest, undefined);
    });
  return { exchange };
}

/** An h2c server (Node's, nghttp2): the other side of the wire, independent of our framing. */
async function h2c(
  onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void,
  settings: Record<string, number> = {},
): Promise<{ url: string; sessions: ServerHttp2Session[] }> {
  const server = createH2cServer({ settings });
  const sessions: ServerHttp2Session[] = [];
  server.on('session', (s: ServerHttp2Session) => {
    sessions.push(s);
    s.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    onStream(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    sessions.forEach((s) => s.destroy());
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sessions };
}

describe('HTTP/2 client against an nghttp2 server', () => {
  it('reads a 1 MiB body through a 16 KiB stream window, sending WINDOW_UPDATE as it reads', async () => {
    const body = 'a'.repeat(1024 * 1024 - 3) + 'end';
    const { url } = await h2c((stream) => {
      stream.respond({ ':status': 200 });
      stream.end(body);
    });
    const c = client(url, [{ path: '/big', checks: [{ equals: body }] }], {
      windows: { stream: 16384, connection: 65535 },
    });
    const [first, second] = await Promise.all([c.exchange(), c.exchange()]);
    expect(first).toMatchObject({ error: undefined, status: 200 });
    expect(second).toMatchObject({ error: undefined, status: 200 });
  });

  it("sends a body larger than the server's windows, as its WINDOW_UPDATEs open them", async () => {
    const sent = 'x'.repeat(200_000);
    const { url } = await h2c(
      (stream) => {
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        stream.on('end', () => {
          const got = Buffer.concat(parts).toString();
          stream.respond({ ':status': 200, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ received: got.length, same: got === sent }));
        });
      },
      { initialWindowSize: 1000 },
    );
    const checks = [
      { jsonPath: 'received', equals: 200000 },
      { jsonPath: 'same', equals: true },
    ];
    const c = client(url, [{ method: 'POST', path: '/up', body: sent, checks }]);
    expect(await c.exchange()).toMatchObject({ error: undefined, status: 200 });
  });

  it('sends and reads header blocks larger than a frame (HEADERS + CONTINUATION)', async () => {
    const big = 'b'.repeat(40_000);
    const mine = 'r'.repeat(30_000);
    const { url } = await h2c((stream, headers) => {
      // 400 unless our 30 kB header arrived whole: it cannot fit one 16 KiB frame.
      stream.respond({ ':status': headers['x-req'] === mine ? 200 : 400, 'x-big': big }, { endStream: true });
    });
    const c = client(url, [{ path: '/c', headers: { 'x-req': mine }, checks: [{ header: 'x-big', equals: big }] }]);
    expect(await c.exchange()).toMatchObject({ error: undefined, status: 200 });
  });

  it("answers the server's PING", async () => {
    let pinged: Promise<string> | undefined;
    const { url } = await h2c((stream) => {
      pinged = new Promise((resolve, reject) =>
        stream.session?.ping(Buffer.from('12345678'), (err, _ms, payload) =>
          err ? reject(err) : resolve(payload.toString()),
        ),
      );
      stream.respond({ ':status': 204 });
      stream.end();
    });
    const c = client(url, [{ path: '/' }]);
    expect(await c.exchange()).toMatchObject({ error: undefined, status: 204 });
    expect(await pinged).toBe('12345678');
  });

  it('counts RST_STREAM by code, and goes on on the same connection', async () => {
    const codes: Record<string, number> = {
      '/refused': constants.NGHTTP2_REFUSED_STREAM,
      '/cancel': constants.NGHTTP2_CANCEL,
      '/internal': constants.NGHTTP2_INTERNAL_ERROR,
      '/calm': constants.NGHTTP2_ENHANCE_YOUR_CALM,
    };
    const server = await h2c((stream, headers) => {
      const code = codes[String(headers[':path'])];
      if (code !== undefined) return stream.close(code);
      stream.respond({ ':status': 200 });
      stream.end('{}');
    });
    const paths = ['/refused', '/cancel', '/internal', '/calm', '/fine'];
    const c = client(
      server.url,
      paths.map((path) => ({ path })),
    );
    const outcomes = await Promise.all(paths.map((_p, i) => c.exchange(i)));
    expect(outcomes.map((o) => o.error)).toEqual([
      'h2_rst_refused_stream',
      'h2_rst_cancel',
      'h2_rst_internal_error',
      'h2_rst_other',
      undefined,
    ]);
    expect(await c.exchange(4)).toMatchObject({ error: undefined, status: 200 });
    expect(server.sessions).toHaveLength(1);
  });

  it('fails streams above GOAWAY’s last stream id as h2_goaway, finishes those below, then reconnects', async () => {
    let n = 0;
    const server = await h2c((stream) => {
      // The 4th stream (id 7) arrives: the server will process streams 1 and 3 only.
      if (++n === 4) stream.session?.goaway(constants.NGHTTP2_NO_ERROR, 3);
      setTimeout(() => {
        if (stream.closed || stream.destroyed) return;
        stream.respond({ ':status': 200 });
        stream.end('{}');
      }, 30);
    });
    const c = client(server.url, [{ path: '/' }]);
    const outcomes = await Promise.all([c.exchange(), c.exchange(), c.exchange(), c.exchange()]);
    expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined, 'h2_goaway', 'h2_goaway']);
    expect(outcomes[2]?.message).toMatch(/not processed/);
    expect(await c.exchange()).toMatchObject({ error: undefined, status: 200 });
    expect(server.sessions).toHaveLength(2);
  });
});

type Seen = [type: number, flags: number, streamId: number, payload: string];

/** A server speaking raw frames: SETTINGS, then `answer(streamId)` for each HEADERS it receives. */
async function scripted(answer: (streamId: number) => Buffer): Promise<{ url: string; received: Seen[] }> {
  const received: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let reader: FrameReader | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (reader === undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 24) return;
        reader = new FrameReader((type, flags, id, buf, start, end) => {
          received.push([type, flags, id, buf.subarray(start, end).toString('hex')]);
          if (type === FRAME.SETTINGS && (flags & FLAG.ACK) === 0) socket.write(SETTINGS_ACK);
          if (type === FRAME.HEADERS) socket.write(answer(id));
        }, 1 << 24);
        socket.write(settingsFrame([]));
        reader.push(head.subarray(24));
        return;
      }
      reader.push(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const STATUS_200 = Buffer.from('88', 'hex');
const goawayCode = (received: Seen[]): number | undefined => {
  const g = received.find(([type]) => type === FRAME.GOAWAY);
  return g === undefined ? undefined : parseInt(g[3].slice(8, 16), 16);
};

describe('HTTP/2 client against hand-made frames', () => {
  it('reads HEADERS + CONTINUATION and padded DATA', async () => {
    const rest = encodeHeaderBlock([['content-type', 'application/json']]);
    const body = Buffer.concat([Buffer.from([2]), Buffer.from('{"ok":true}'), Buffer.alloc(2)]);
    const { url } = await scripted((id) =>
      Buffer.concat([
        frame(FRAME.HEADERS, 0, id, STATUS_200),
        frame(FRAME.CONTINUATION, FLAG.END_HEADERS, id, rest),
        frame(FRAME.DATA, FLAG.PADDED | FLAG.END_STREAM, id, body),
      ]),
    );
    const checks = [
      { jsonPath: 'ok', equals: true },
      { header: 'content-type', contains: 'json' },
    ];
    const c = client(url, [{ path: '/', checks }]);
    expect(await c.exchange()).toMatchObject({ error: undefined, status: 200 });
  });

  const malformed: [string, (id: number) => Buffer, number][] = [
    ['DATA on stream 0', () => frame(FRAME.DATA, 0, 0, Buffer.from('x')), 1],
    [
      'an HPACK index of 0',
      (id) => frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, id, Buffer.from('80', 'hex')),
      9,
    ],
    ['a frame over 16 KiB', (id) => frame(FRAME.DATA, 0, id, Buffer.alloc(20_000)), 6],
    ['a PING of 7 bytes', () => frame(FRAME.PING, 0, 0, Buffer.alloc(7)), 6],
    [
      'a DATA frame where CONTINUATION must come',
      (id) => Buffer.concat([frame(FRAME.HEADERS, 0, id, STATUS_200), frame(FRAME.DATA, 0, id, Buffer.from('x'))]),
      1,
    ],
  ];
  it.each(malformed)('fails the stream as malformed_response and sends GOAWAY on %s', async (_what, answer, code) => {
    const { url, received } = await scripted(answer);
    const c = client(url, [{ path: '/' }]);
    expect(await c.exchange()).toMatchObject({ error: 'malformed_response', hasLatency: true });
    await vi.waitFor(() => expect(goawayCode(received)).toBe(code));
  });

  it('fails a response without :status as malformed_response, resetting only its stream', async () => {
    const noStatus = encodeHeaderBlock([['content-type', 'text/plain']]);
    const { url, received } = await scripted((id) => frame(FRAME.HEADERS, FLAG.END_HEADERS, id, noStatus));
    const c = client(url, [{ path: '/' }]);
    expect(await c.exchange()).toMatchObject({ error: 'malformed_response' });
    await vi.waitFor(() => expect(received.some(([type, , id]) => type === FRAME.RST_STREAM && id === 1)).toBe(true));
    expect(goawayCode(received)).toBeUndefined();
  });
});
