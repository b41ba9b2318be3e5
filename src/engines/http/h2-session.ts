import type { Duplex } from 'node:stream';
import { H2_CODE } from './h2-codes.js';
import { H2ProtocolError } from './h2-error.js';
import { classifyError, errorMessage } from './error-kind.js';
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  FLAG,
  FRAME,
  FrameReader,
  MAX_WINDOW,
  PREFACE,
  SETTING,
  SETTINGS_ACK,
  dataFrame,
  goawayFrame,
  headersFrames,
  pingAckFrame,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from './h2-frame.js';
import { HeaderBlocks } from './h2-header-block.js';
import {
  CUT_BY_GOAWAY,
  DEFAULT_WINDOWS,
  failed,
  NOT_PROCESSED,
  resetOutcome,
  type SessionOwner,
  type SessionWindows,
  type StreamUser,
} from './h2-stream-user.js';
import { HpackDecoder } from './hpack.js';
import type { Outcome } from './http-sender.js';

const MAX_STREAM_ID = 0x7fffffff;

const protocol = (message: string): H2ProtocolError => new H2ProtocolError(message);
const frameSize = (message: string): H2ProtocolError => new H2ProtocolError(message, 'FRAME_SIZE_ERROR');

/**
 * One HTTP/2 connection on a socket from the Dialer, framed here (RFC 9113): preface and SETTINGS, streams opened
 * with HEADERS (+CONTINUATION) and bodies sent as DATA within the server's flow-control windows, responses read
 * from HEADERS/CONTINUATION (HPACK) and DATA with WINDOW_UPDATEs sent as they are consumed, PING answered,
 * RST_STREAM and GOAWAY turned into outcomes by kind. Anything that breaks the protocol is a connection error:
 * GOAWAY is sent, the socket closed and every open stream fails as `malformed_response`.
 *
 * Frames written while handling a read (the next requests of the streams just answered) leave in one write.
 */
export class H2Session {
  active = 0;
  settled = false;
  goneAway = false;
  closed = false;
  peerMaxStreams = Infinity;
  private nextId = 1;
  private peerWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private sendWindow = DEFAULT_WINDOW;
  private recvWindow: number;
  private recvUnacked = 0;
  private readonly streams = new Map<number, StreamUser>();
  /** Users whose body waits for window. */
  private readonly blocked = new Set<StreamUser>();
  private readonly reader: FrameReader;
  private readonly decoder = new HpackDecoder();
  private readonly fields: string[] = [];
  private readonly blocks = new HeaderBlocks((id, endStream, buf, from, to) =>
    this.onHeaderBlock(id, endStream, buf, from, to),
  );
  private out: Buffer[] = [];
  private flushQueued = false;
  private socketError: Error | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly owner: SessionOwner,
    private readonly windows: SessionWindows = DEFAULT_WINDOWS,
  ) {
    this.recvWindow = windows.connection;
    this.reader = new FrameReader(this.onFrame);
    socket.on('data', this.onData);
    socket.on('error', (err: Error) => (this.socketError ??= err));
    socket.on('close', this.onClose);
    this.write(PREFACE);
    this.write(
      settingsFrame([
        [SETTING.ENABLE_PUSH, 0],
        [SETTING.INITIAL_WINDOW_SIZE, windows.stream],
      ]),
    );
    if (windows.connection > DEFAULT_WINDOW) this.write(windowUpdateFrame(0, windows.connection - DEFAULT_WINDOW));
  }

  /** Whether a new stream may be opened here now (settled, not going away, ids left). */
  get open(): boolean {
    return this.settled && !this.goneAway && !this.closed && this.nextId <= MAX_STREAM_ID;
  }

  /** Resolves once the server's SETTINGS arrived or the connection failed. */
  ready(): Promise<void> {
    if (this.settled || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Opens `user`'s stream: its header block, then its body (`user.body`) as the windows allow. */
  request(user: StreamUser, block: Buffer): void {
    const id = this.nextId;
    this.nextId += 2;
    user.streamId = id;
    user.sendWindow = this.peerWindow;
    user.recvWindow = this.windows.stream;
    user.recvUnacked = 0;
    user.bodySent = 0;
    this.streams.set(id, user);
    this.active++;
    const body = user.body;
    const hasBody = body !== undefined && body.length > 0;
    this.write(headersFrames(id, block, !hasBody, this.peerMaxFrame));
    if (hasBody) this.sendBody(user, body);
  }

  /** The user gives up on its stream (timeout, end of run): it is reset and its room freed. */
  cancel(user: StreamUser): void {
    if (this.streams.get(user.streamId) !== user) return;
    this.remove(user);
    if (!this.closed) this.write(rstStreamFrame(user.streamId, H2_CODE.CANCEL));
    this.freed();
  }

  close(): void {
    this.closed = true;
    this.streams.clear();
    this.blocked.clear();
    this.socket.destroy();
    this.wake();
  }

  private write(buf: Buffer): void {
    this.out.push(buf);
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    const out = this.out;
    this.out = [];
    if (this.socket.destroyed || out.length === 0) return;
    this.socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
  };

  private sendBody(user: StreamUser, body: Buffer): void {
    while (user.bodySent < body.length) {
      const n = Math.min(body.length - user.bodySent, this.peerMaxFrame, user.sendWindow, this.sendWindow);
      if (n <= 0) {
        this.blocked.add(user);
        return;
      }
      const last = user.bodySent + n === body.length;
      this.write(dataFrame(user.streamId, body, user.bodySent, n, last));
      user.bodySent += n;
      user.sendWindow -= n;
      this.sendWindow -= n;
    }
    if (this.blocked.size > 0) this.blocked.delete(user);
  }

  /** Forgets a stream that ended; a body still unsent (the server answered early) is cut off with a reset. */
  private remove(user: StreamUser): void {
    this.streams.delete(user.streamId);
    this.active--;
    if (this.blocked.size > 0) this.blocked.delete(user);
    user.body = undefined;
  }

  /** A stream's room is free again; a connection going away closes once its last stream is done. */
  private freed(): void {
    if (this.goneAway && this.active === 0 && !this.closed) {
      this.closed = true;
      this.flush();
      this.socket.end();
    }
    this.owner.released(this);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return;
    try {
      this.reader.push(chunk);
    } catch (err) {
      if (!(err instanceof H2ProtocolError)) throw err;
      this.connectionError(err);
    }
  };

  private readonly onFrame = (
    type: number,
    flags: number,
    id: number,
    buf: Buffer,
    start: number,
    end: number,
  ): void => {
    if (this.closed) return;
    if (this.blocks.waiting && type !== FRAME.CONTINUATION) throw protocol('expected CONTINUATION');
    switch (type) {
      case FRAME.DATA:
        return this.onDataFrame(flags, id, buf, start, end);
      case FRAME.HEADERS:
        this.checkStream(id, 'HEADERS');
        return this.blocks.headers(flags, id, buf, start, end);
      case FRAME.CONTINUATION:
        return this.blocks.continuation(flags, id, buf, start, end);
      case FRAME.RST_STREAM:
        return this.onReset(id, buf, start, end);
      case FRAME.SETTINGS:
        return this.onSettings(flags, id, buf, start, end);
      case FRAME.PING:
        if (id !== 0) throw protocol('PING on a stream');
        if (end - start !== 8) throw frameSize('PING payload not 8 bytes');
        if ((flags & FLAG.ACK) === 0) this.write(pingAckFrame(buf, start));
        return;
      case FRAME.GOAWAY:
        return this.onGoaway(id, buf, start, end);
      case FRAME.WINDOW_UPDATE:
        return this.onWindowUpdate(id, buf, start, end);
      case FRAME.PUSH_PROMISE:
        throw protocol('PUSH_PROMISE though push is disabled');
      default:
        // PRIORITY and unknown types are ignored (RFC 9113 §4.1, §5.3.2).
        return;
    }
  };

  private checkStream(id: number, what: string): void {
    if (id === 0) throw protocol(`${what} on stream 0`);
    if (id % 2 === 0 || id >= this.nextId) throw protocol(`${what} on stream ${id}, which we did not open`);
  }

  private onDataFrame(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    this.checkStream(id, 'DATA');
    const length = end - start;
    this.recvWindow -= length;
    if (this.recvWindow < 0) throw new H2ProtocolError('DATA beyond the connection window', 'FLOW_CONTROL_ERROR');
    this.recvUnacked += length;
    if (this.recvUnacked >= this.windows.connection / 2) {
      this.write(windowUpdateFrame(0, this.recvUnacked));
      this.recvWindow += this.recvUnacked;
      this.recvUnacked = 0;
    }
    let from = start;
    let to = end;
    if ((flags & FLAG.PADDED) !== 0) {
      if (length === 0) throw protocol('PADDED DATA without a pad length');
      from++;
      to -= buf[start] as number;
      if (to < from) throw protocol('padding longer than the DATA frame');
    }
    const user = this.streams.get(id);
    if (user === undefined) return; // a stream we reset: its bytes count only against the connection window
    user.recvWindow -= length;
    if (user.recvWindow < 0) throw new H2ProtocolError('DATA beyond the stream window', 'FLOW_CONTROL_ERROR');
    const endStream = (flags & FLAG.END_STREAM) !== 0;
    if (endStream) {
      this.endStream(user);
      user.data(buf, from, to, true);
      return this.freed();
    }
    user.recvUnacked += length;
    if (user.recvUnacked >= this.windows.stream / 2) {
      this.write(windowUpdateFrame(id, user.recvUnacked));
      user.recvWindow += user.recvUnacked;
      user.recvUnacked = 0;
    }
    user.data(buf, from, to, false);
  }

  /** The server ended its side; if ours is not done (a body still unsent), the stream is reset to close it. */
  private endStream(user: StreamUser): void {
    const unsent = user.body !== undefined && user.bodySent < user.body.length;
    this.remove(user);
    if (unsent) this.write(rstStreamFrame(user.streamId, H2_CODE.CANCEL));
  }

  /** A whole header block (HEADERS and any CONTINUATION) for stream `id`. */
  private onHeaderBlock(id: number, endStream: boolean, buf: Buffer, from: number, to: number): void {
    const fields = this.fields;
    fields.length = 0;
    // Decoded even for a stream we reset: the dynamic table must follow every block.
    this.decoder.decode(buf, from, to, fields);
    const user = this.streams.get(id);
    if (user === undefined) return;
    if (!endStream) return user.headers(fields, false);
    this.endStream(user);
    user.headers(fields, true);
    this.freed();
  }

  private onReset(id: number, buf: Buffer, start: number, end: number): void {
    this.checkStream(id, 'RST_STREAM');
    if (end - start !== 4) throw frameSize('RST_STREAM payload not 4 bytes');
    const user = this.streams.get(id);
    if (user === undefined) return;
    this.remove(user);
    user.ended(resetOutcome(buf.readUInt32BE(start), this.goneAway));
    this.freed();
  }

  private onSettings(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (id !== 0) throw protocol('SETTINGS on a stream');
    if ((flags & FLAG.ACK) !== 0) {
      if (end !== start) throw frameSize('SETTINGS ACK with a payload');
      return;
    }
    if ((end - start) % 6 !== 0) throw frameSize('SETTINGS payload not a multiple of 6 bytes');
    for (let at = start; at < end; at += 6) this.applySetting(buf.readUInt16BE(at), buf.readUInt32BE(at + 2));
    this.write(SETTINGS_ACK);
    if (!this.settled) {
      this.settled = true;
      this.wake();
    }
    if (this.blocked.size > 0) this.unblock();
    this.owner.settled(this);
  }

  private applySetting(key: number, value: number): void {
    if (key === SETTING.MAX_CONCURRENT_STREAMS) this.peerMaxStreams = value;
    else if (key === SETTING.INITIAL_WINDOW_SIZE) {
      if (value > MAX_WINDOW) throw new H2ProtocolError('initial window above 2^31-1', 'FLOW_CONTROL_ERROR');
      // A new initial window changes every open stream's window by the difference (RFC 9113 §6.9.2).
      const delta = value - this.peerWindow;
      this.peerWindow = value;
      for (const user of this.streams.values()) user.sendWindow += delta;
    } else if (key === SETTING.MAX_FRAME_SIZE) {
      if (value < DEFAULT_MAX_FRAME || value > 0xffffff) throw protocol(`MAX_FRAME_SIZE ${value} out of range`);
      this.peerMaxFrame = value;
    }
    // HEADER_TABLE_SIZE: our encoder never uses the dynamic table. Others do not concern a client.
  }

  private onGoaway(id: number, buf: Buffer, start: number, end: number): void {
    if (id !== 0) throw protocol('GOAWAY on a stream');
    if (end - start < 8) throw frameSize('GOAWAY payload under 8 bytes');
    const lastStreamId = buf.readUInt32BE(start) & 0x7fffffff;
    this.goneAway = true;
    // First the connection forgets this session, so streams restarted from the outcomes below go elsewhere.
    this.owner.goneAway(this);
    const cut: StreamUser[] = [];
    for (const [streamId, user] of this.streams) if (streamId > lastStreamId) cut.push(user);
    for (const user of cut) {
      this.remove(user);
      user.ended(NOT_PROCESSED);
    }
    this.freed();
  }

  private onWindowUpdate(id: number, buf: Buffer, start: number, end: number): void {
    if (end - start !== 4) throw frameSize('WINDOW_UPDATE payload not 4 bytes');
    const increment = buf.readUInt32BE(start) & 0x7fffffff;
    if (increment === 0) throw protocol('WINDOW_UPDATE of 0');
    if (id === 0) {
      this.sendWindow += increment;
      if (this.sendWindow > MAX_WINDOW) throw new H2ProtocolError('window above 2^31-1', 'FLOW_CONTROL_ERROR');
      if (this.blocked.size > 0) this.unblock();
      return;
    }
    const user = this.streams.get(id);
    if (user === undefined) return;
    user.sendWindow += increment;
    if (user.sendWindow > MAX_WINDOW) throw new H2ProtocolError('window above 2^31-1', 'FLOW_CONTROL_ERROR');
    if (this.blocked.has(user) && user.body !== undefined) this.sendBody(user, user.body);
  }

  private unblock(): void {
    for (const user of [...this.blocked]) {
      if (user.body !== undefined) this.sendBody(user, user.body);
      if (this.sendWindow <= 0) return;
    }
  }

  /** The server broke the protocol: tell it why, close, and fail every open stream as malformed_response. */
  private connectionError(err: H2ProtocolError): void {
    this.write(goawayFrame(0, err.h2Code));
    this.flush();
    this.socket.end();
    this.shutDown(failed('malformed_response', errorMessage(err), true), err);
  }

  private readonly onClose = (): void => {
    this.owner.detached(this);
    if (this.closed) return this.wake();
    const err = this.socketError;
    const outcome = this.goneAway
      ? CUT_BY_GOAWAY
      : err !== undefined
        ? failed(classifyError(err), errorMessage(err))
        : failed('connect_reset', 'connection closed by the server before the response ended');
    this.shutDown(outcome, err);
  };

  private shutDown(outcome: Outcome, err: Error | undefined): void {
    this.closed = true;
    const users = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    this.active = 0;
    this.owner.closed(this, err, this.settled);
    for (const user of users) user.ended(outcome);
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
