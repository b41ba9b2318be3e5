import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import { H2_CODE, RST_KINDS } from './h2-codes.js';
import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { RequestPlan } from '../../scenario/plan.js';
import type { Channel, ChannelOwner } from './channel.js';
import { runChecks } from './checks.js';
import { classifyError, errorMessage } from './error-kind.js';
import type { H2Request, H2RequestEncoder } from './h2-request.js';
import type { H2Connection, StreamUser } from './h2-session.js';
import { type Outcome, statusOk } from './http-sender.js';
import { MAX_BODY_BYTES } from './response-parser.js';
import type { PreparedRequest } from './prepared-request.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

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
 */
export class H2StreamSlot implements Channel, StreamUser {
  scope = 0;
  intendedAt = 0;
  slot = 0;
  private request: RequestPlan | undefined;
  private encoded: H2Request | undefined;
  private stream: ClientHttp2Stream | undefined;
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
  ) {}

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
      stream = session.request(encoded.headers, { endStream: encoded.body === undefined });
    } catch (err) {
      this.connection.release();
      return this.finish(failed(classifyError(err), errorMessage(err)), performance.now());
    }
    this.stream = stream;
    this.connection.track(session, stream);
    if (encoded.body !== undefined) stream.end(encoded.body);
    let status = 0;
    let headers: IncomingHttpHeaders | undefined;
    const parts: Buffer[] = [];
    let error: Error | undefined;
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h;
    });
    let size = 0;
    if (r.needsBody)
      stream.on('data', (chunk: Buffer) => {
        // As on HTTP/1.1: past the cap the body is still read, but not kept.
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) parts.push(chunk);
        else parts.length = 0;
      });
    else stream.resume();
    stream.on('error', (err: Error) => (error = err));
    stream.on('close', () => {
      this.connection.release();
      if (this.stream !== stream) return; // timed out already
      const now = performance.now();
      // Ended after its deadline: a timeout, even when the deadline sweep (≈1 ms coarse) has not come round yet.
      if (now > this.deadline) {
        const message = `no complete response within ${this.timeoutMs} ms`;
        return this.finish({ error: 'timeout', hasLatency: true, status: 0, message }, now);
      }
      if (status > 0 && stream.rstCode === H2_CODE.NO_ERROR && error === undefined) {
        return this.finish(this.judge(r, status, headers, size > MAX_BODY_BYTES ? undefined : parts), now);
      }
      this.finish(closedOutcome(stream, this.connection.goneAway.has(session), error), now);
    });
  }

  fail(err: Error): void {
    if (this.request !== undefined) this.finish(failed(classifyError(err), errorMessage(err)), performance.now());
  }

  preconnect(): Promise<void> {
    return this.connection.preconnect();
  }

  expireIfDue(now: number): void {
    if (this.request === undefined || now < this.deadline) return;
    const stream = this.stream;
    if (stream === undefined) this.connection.withdraw(this);
    else stream.close(H2_CODE.CANCEL);
    const message = `no complete response within ${this.timeoutMs} ms`;
    this.finish({ error: 'timeout', hasLatency: true, status: 0, message }, now);
  }

  close(): void {
    this.request = undefined;
    this.stream?.close(H2_CODE.CANCEL);
    this.stream = undefined;
    this.connection.withdraw(this);
  }

  /** `parts` is undefined when the body was larger than the most kept for checks. */
  private judge(
    r: RequestPlan,
    status: number,
    headers: IncomingHttpHeaders | undefined,
    parts: Buffer[] | undefined,
  ): Outcome {
    if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
    if (parts === undefined) {
      const message = `response body larger than ${MAX_BODY_BYTES} bytes: not kept for checks`;
      return { error: 'body_too_large', hasLatency: true, status, message };
    }
    if (r.checks.length > 0) {
      const body = r.needsBody ? Buffer.concat(parts).toString('utf8') : undefined;
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
    this.deadline = Infinity;
    this.owner.completed(this, outcome, endedAt);
  }
}
