import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  ClientSessionRequestOptions,
  IncomingHttpHeaders,
} from 'node:http2';
import { H2_CODE, RST_KINDS } from './h2-codes.js';
import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { RequestPlan } from '../../scenario/plan.js';
import type { Channel, ChannelOwner } from './channel.js';
import { runChecks } from './checks.js';
import { classifyError, errorMessage } from './error-kind.js';
import type { H2Request, H2RequestEncoder } from './h2-request.js';
import { type H2Connection, notProcessed, type StreamUser } from './h2-session.js';
import { type Outcome, statusOk } from './http-sender.js';
import { MAX_BODY_BYTES } from './response-parser.js';
import type { PreparedRequest } from './prepared-request.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

/** Request options made once: Node copies them per request anyway, so one frozen object each serves every stream. */
const BODILESS: ClientSessionRequestOptions = Object.freeze({ endStream: true });
const WITH_BODY: ClientSessionRequestOptions = Object.freeze({ endStream: false });

function ignore(): void {}

function failed(error: ErrorKind, message: string, hasLatency = false): Outcome {
  return { error, hasLatency, status: 0, message };
}

/** What became of a stream that closed without a whole response: GOAWAY, a reset by code, or a socket error. */
function closedOutcome(stream: ClientHttp2Stream, goneAway: boolean, err: Error | undefined): Outcome {
  const code = stream.rstCode ?? H2_CODE.NO_ERROR;
  if (
    goneAway &&
    (code === H2_CODE.REFUSED_STREAM || (err as NodeJS.ErrnoException)?.code === 'ERR_HTTP2_GOAWAY_SESSION')
  )
    return failed('h2_goaway', 'stream not processed: the server sent GOAWAY');
  if (code !== H2_CODE.NO_ERROR) {
    const kind: ErrorKind = RST_KINDS[code] ?? 'h2_rst_other';
    return failed(kind, `stream reset by the server (RST_STREAM code ${code})`);
  }
  if (goneAway) return failed('h2_goaway', 'stream cut: the server sent GOAWAY');
  if (err !== undefined) return failed(classifyError(err), errorMessage(err));
  return failed('connect_reset', 'stream closed before the response ended');
}

/**
 * One HTTP/2 stream slot on a shared connection: the Channel a load model holds, carrying one exchange at a
 * time, as an HTTP/1.1 connection does. Latency, checks, timeouts and outcomes are judged as there.
 *
 * The hot path allocates nothing of its own per request: the slot carries one exchange at a time, so the
 * exchange's state lives in its fields and its listeners are made once, with the slot, and added to each
 * stream. A stream given up on (timeout, close) has them swapped for listeners that only free its room.
 */
export class H2StreamSlot implements Channel, StreamUser {
  scope = 0;
  intendedAt = 0;
  slot = 0;
  private request: RequestPlan | undefined;
  private encoded: H2Request | undefined;
  private stream: ClientHttp2Stream | undefined;
  private session: ClientHttp2Session | undefined;
  /** The current exchange: status and headers once they arrive, body bytes seen, kept chunks, a stream error. */
  private status = 0;
  private headers: IncomingHttpHeaders | undefined;
  private size = 0;
  private parts: Buffer[] = [];
  private error: Error | undefined;
  /** When the current exchange times out (performance.now() time); the runner's DeadlineQueue reads it. */
  deadline = Infinity;
  prevDue: Channel | undefined;
  nextDue: Channel | undefined;
  queued = false;

  constructor(
    private readonly connection: H2Connection,
    private readonly encoder: H2RequestEncoder,
    private readonly timeoutMs: number,
    private readonly owner: ChannelOwner,
  ) {
    connection.attach(this);
  }

  get busy(): boolean {
    return this.request !== undefined;
  }

  send(prepared: PreparedRequest, ctx: TemplateContext | undefined): void {
    // Set first: the runner queues every exchange by deadline, a failed render included.
    this.deadline = performance.now() + this.timeoutMs;
    try {
      this.encoded = this.encoder.encode(prepared.plan, prepared.isStatic, ctx);
    } catch (err) {
      const endedAt = performance.now();
      setImmediate(() => this.owner.completed(this, failed('other', errorMessage(err)), endedAt));
      return;
    }
    this.request = prepared.plan;
    this.connection.submit(this);
  }

  start(session: ClientHttp2Session): void {
    const r = this.request;
    const encoded = this.encoded;
    if (r === undefined || encoded === undefined) return this.connection.release();
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(encoded.headers, encoded.body === undefined ? BODILESS : WITH_BODY);
    } catch (err) {
      this.connection.release();
      return this.finish(failed(classifyError(err), errorMessage(err)), performance.now());
    }
    this.stream = stream;
    this.session = session;
    this.status = 0;
    this.headers = undefined;
    this.size = 0;
    this.error = undefined;
    if (encoded.body !== undefined) stream.end(encoded.body);
    stream.on('response', this.onResponse);
    if (r.needsBody) stream.on('data', this.onData);
    else stream.resume();
    stream.on('error', this.onError);
    stream.on('close', this.onClose);
  }

  fail(err: Error): void {
    if (this.request !== undefined) this.finish(failed(classifyError(err), errorMessage(err)), performance.now());
  }

  goneAway(session: ClientHttp2Session, lastStreamId: number): void {
    const stream = this.stream;
    if (stream === undefined || this.session !== session) return;
    if (stream.id !== undefined && stream.id > lastStreamId) stream.destroy(notProcessed());
  }

  preconnect(): Promise<void> {
    return this.connection.preconnect();
  }

  expireIfDue(now: number): void {
    if (this.request === undefined || now < this.deadline) return;
    const stream = this.stream;
    if (stream === undefined) this.connection.withdraw(this);
    else this.abandon(stream);
    const message = `no complete response within ${this.timeoutMs} ms`;
    this.finish({ error: 'timeout', hasLatency: true, status: 0, message }, now);
  }

  close(): void {
    this.request = undefined;
    if (this.stream !== undefined) this.abandon(this.stream);
    this.stream = undefined;
    this.connection.withdraw(this);
  }

  private readonly onResponse = (h: IncomingHttpHeaders): void => {
    this.status = Number(h[':status']);
    this.headers = h;
  };

  private readonly onData = (chunk: Buffer): void => {
    // As on HTTP/1.1: past the cap the body is still read, but not kept.
    this.size += chunk.length;
    if (this.size <= MAX_BODY_BYTES) this.parts.push(chunk);
    else this.parts.length = 0;
  };

  private readonly onError = (err: Error): void => {
    this.error = err;
  };

  private readonly onClose = (): void => {
    const stream = this.stream as ClientHttp2Stream;
    const r = this.request as RequestPlan;
    this.connection.release();
    const now = performance.now();
    // Ended after its deadline: a timeout, even when the deadline sweep (≈1 ms coarse) has not come round yet.
    if (now > this.deadline) {
      const message = `no complete response within ${this.timeoutMs} ms`;
      return this.finish({ error: 'timeout', hasLatency: true, status: 0, message }, now);
    }
    if (this.status > 0 && stream.rstCode === H2_CODE.NO_ERROR && this.error === undefined) {
      return this.finish(this.judge(r), now);
    }
    const goneAway = this.session !== undefined && this.connection.goneAway.has(this.session);
    this.finish(closedOutcome(stream, goneAway, this.error), now);
  };

  /** A stream given up on still holds its room on the connection until it closes; nothing else is heard from it. */
  private readonly onAbandonedClose = (): void => this.connection.release();

  private abandon(stream: ClientHttp2Stream): void {
    stream.on('error', ignore).on('data', ignore).on('close', this.onAbandonedClose);
    stream.off('response', this.onResponse).off('data', this.onData).off('error', this.onError);
    stream.off('close', this.onClose);
    stream.close(H2_CODE.CANCEL);
  }

  private judge(r: RequestPlan): Outcome {
    const status = this.status;
    if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
    if (this.size > MAX_BODY_BYTES) {
      const message = `response body larger than ${MAX_BODY_BYTES} bytes: not kept for checks`;
      return { error: 'body_too_large', hasLatency: true, status, message };
    }
    if (r.checks.length > 0) {
      const body = r.needsBody ? Buffer.concat(this.parts).toString('utf8') : undefined;
      const headers = this.headers;
      const header = (name: string): string | undefined => {
        const v = headers?.[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v === undefined ? undefined : String(v);
      };
      const bad = runChecks(r.checks, { body, header });
      if (bad !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${bad}` };
    }
    return status === 200 ? OK : { ...OK, status };
  }

  private finish(outcome: Outcome, endedAt: number): void {
    this.request = undefined;
    this.encoded = undefined;
    this.stream = undefined;
    this.session = undefined;
    this.headers = undefined;
    this.parts.length = 0;
    this.deadline = Infinity;
    this.owner.completed(this, outcome, endedAt);
  }
}
