import { performance } from 'node:perf_hooks';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { Channel, ChannelOwner } from './channel.js';
import { runChecks } from './checks.js';
import { classifyError, errorMessage } from './error-kind.js';
import type { H2Connection } from './h2-connection.js';
import type { H2Request, H2RequestEncoder } from './h2-request.js';
import type { H2Session } from './h2-session.js';
import type { StreamUser } from './h2-stream-user.js';
import { type Outcome, statusOk, timedOutOutcome } from './http-sender.js';
import { MAX_BODY_BYTES } from './response-parser.js';
import type { PreparedRequest } from './prepared-request.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

function malformed(message: string): Outcome {
  return { error: 'malformed_response', hasLatency: true, status: 0, message };
}

/** Joins a field's values as Node does for repeated headers; names in `fields` are lower case. */
function fieldValue(fields: readonly string[] | undefined, name: string): string | undefined {
  if (fields === undefined) return undefined;
  const wanted = name.toLowerCase();
  let value: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === wanted) value = value === undefined ? fields[i + 1] : `${value}, ${fields[i + 1]}`;
  }
  return value;
}

/**
 * One HTTP/2 stream slot on a shared connection: the Channel a load model holds, carrying one exchange at a
 * time, as an HTTP/1.1 connection does. Latency, checks, timeouts and outcomes are judged as there. The slot
 * also holds the session's per-stream state (StreamUser), so an exchange allocates nothing of its own beyond
 * the frames it writes and, when checks read them, its headers and body.
 */
export class H2StreamSlot implements Channel, StreamUser {
  scope = 0;
  intendedAt = 0;
  slot = 0;
  streamId = 0;
  sendWindow = 0;
  recvWindow = 0;
  recvUnacked = 0;
  body: Buffer | undefined;
  bodySent = 0;
  private request: RequestPlan | undefined;
  private encoded: H2Request | undefined;
  /** The session the current stream is on; undefined while waiting for room. */
  private session: H2Session | undefined;
  /** The current exchange: final status, header fields when checks read them, body bytes seen, kept chunks. */
  private status = 0;
  private fields: string[] | undefined;
  private size = 0;
  private readonly parts: Buffer[] = [];
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
      const outcome: Outcome = { error: 'other', hasLatency: false, status: 0, message: errorMessage(err) };
      setImmediate(() => this.owner.completed(this, outcome, endedAt));
      return;
    }
    this.request = prepared.plan;
    this.connection.submit(this);
  }

  start(session: H2Session): void {
    const encoded = this.encoded;
    if (this.request === undefined || encoded === undefined) return;
    this.session = session;
    this.status = 0;
    this.fields = undefined;
    this.size = 0;
    this.body = encoded.body;
    session.request(this, encoded.block);
  }

  fail(err: Error): void {
    if (this.request === undefined) return;
    this.finish({ error: classifyError(err), hasLatency: false, status: 0, message: errorMessage(err) });
  }

  headers(fields: readonly string[], endStream: boolean): void {
    if (this.status === 0) {
      // The status comes first (RFC 9113 §8.3); 1xx answers are interim, the final one follows.
      const status = fields[0] === ':status' ? Number(fields[1]) : NaN;
      if (!(status >= 100 && status <= 999)) return this.protocolFault('response without a valid :status');
      if (status < 200) return endStream ? this.protocolFault('stream ended after an interim response') : undefined;
      this.status = status;
      if ((this.request as RequestPlan).checks.length > 0) this.fields = fields.slice();
    }
    if (endStream) this.complete();
  }

  data(buf: Buffer, start: number, end: number, endStream: boolean): void {
    if (this.status === 0) return this.protocolFault('DATA before the response headers');
    // As on HTTP/1.1: past the cap the body is still read, but not kept.
    this.size += end - start;
    if ((this.request as RequestPlan).needsBody) {
      if (this.size <= MAX_BODY_BYTES) this.parts.push(buf.subarray(start, end));
      else this.parts.length = 0;
    }
    if (endStream) this.complete();
  }

  ended(outcome: Outcome): void {
    if (this.request !== undefined) this.finish(outcome);
  }

  preconnect(): Promise<void> {
    return this.connection.preconnect();
  }

  expireIfDue(now: number): void {
    if (this.request === undefined || now < this.deadline) return;
    this.giveUp();
    this.finish(this.timedOut(), now);
  }

  close(): void {
    if (this.request !== undefined) this.giveUp();
    this.request = undefined;
    this.encoded = undefined;
  }

  private giveUp(): void {
    if (this.session !== undefined) this.session.cancel(this);
    else this.connection.withdraw(this);
  }

  /** The response broke HTTP/2's message rules: its stream is reset and the exchange is malformed_response. */
  private protocolFault(message: string): void {
    this.session?.cancel(this);
    this.finish(malformed(`HTTP/2 response: ${message}`));
  }

  private timedOut(): Outcome {
    return timedOutOutcome(this.timeoutMs);
  }

  private complete(): void {
    this.finish(this.judge(this.request as RequestPlan));
  }

  private judge(r: RequestPlan): Outcome {
    const status = this.status;
    if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
    if (this.size > MAX_BODY_BYTES && r.needsBody) {
      const message = `response body larger than ${MAX_BODY_BYTES} bytes: not kept for checks`;
      return { error: 'body_too_large', hasLatency: true, status, message };
    }
    if (r.checks.length > 0) {
      const body = r.needsBody ? Buffer.concat(this.parts).toString('utf8') : undefined;
      const fields = this.fields;
      const bad = runChecks(r.checks, { body, header: (name) => fieldValue(fields, name) });
      if (bad !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${bad}` };
    }
    return status === 200 ? OK : { ...OK, status };
  }

  /** Ends the exchange; one that ended after its deadline is a timeout, even before the sweep comes round. */
  private finish(outcome: Outcome, at = performance.now()): void {
    const late = at > this.deadline && outcome.error !== 'timeout';
    this.request = undefined;
    this.encoded = undefined;
    this.session = undefined;
    this.fields = undefined;
    this.body = undefined;
    this.parts.length = 0;
    this.deadline = Infinity;
    this.owner.completed(this, late ? this.timedOut() : outcome, at);
  }
}
