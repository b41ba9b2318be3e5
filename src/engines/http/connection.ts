import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { runChecks } from './checks.js';
import type { Timed } from './deadline-queue.js';
import { classifyError, errorMessage, hasLatency } from './error-kind.js';
import { type Outcome, statusOk, timedOutOutcome } from './http-sender.js';
import type { PreparedRequest } from './prepared-request.js';
import { MAX_BODY_BYTES, ResponseParser } from './response-parser.js';
import type { Dialer } from './dial.js';

/** A 200 that passed every check: the common answer, shared rather than made per response. */
const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

/** Successful outcomes with a status other than 200, made once per status rather than once per response. */
const OK_WITH_STATUS = new Map<number, Outcome>();
function okWithStatus(status: number): Outcome {
  let outcome = OK_WITH_STATUS.get(status);
  if (outcome === undefined) OK_WITH_STATUS.set(status, (outcome = Object.freeze({ ...OK, status })));
  return outcome;
}

function failure(err: unknown): Outcome {
  const kind = classifyError(err);
  return { error: kind, hasLatency: hasLatency(kind), status: 0, message: errorMessage(err) };
}

const closedEarly = (): Error =>
  Object.assign(new Error('connection closed by the server before the response ended'), { code: 'ECONNRESET' });

/**
 * How long before the server's announced idle timeout (Keep-Alive: timeout=N) a connection is retired, at most
 * half of it: the server's clock started when it sent the response, ours when it arrived.
 */
const IDLE_MARGIN_MS = 500;

/** Methods a client may resend when a reused keep-alive connection turns out to have been closed (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

function bodyTooLarge(status: number): Outcome {
  const message = `response body larger than ${MAX_BODY_BYTES} bytes: not kept for checks`;
  return { error: 'body_too_large', hasLatency: true, status, message };
}

/** Who hears that an exchange ended. `endedAt` is performance.now() when the answer (or failure) arrived. */
export interface ConnectionOwner {
  completed(connection: HttpConnection, outcome: Outcome, endedAt: number): void;
  /**
   * An idempotent request met a reset on a reused connection and is being sent again on a new one. The failed
   * attempt is the owner's to count (as an error), so a server that resets requests never looks healthy.
   */
  resent?(connection: HttpConnection, failed: Outcome): void;
}

/** Where connections go: parsed once from the base URL. */
export interface Origin {
  host: string;
  port: number;
  tls: boolean;
  /** The Host header value. */
  authority: string;
  /** Opens sockets with the run's TLS options and proxy (dial.ts); without it, a direct connect. */
  dialer?: Dialer;
}

export function originOf(url: URL): Origin {
  const tls = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(url.port || (tls ? 443 : 80)), tls, authority: url.host };
}

/**
 * One keep-alive HTTP/1.1 connection carrying one exchange at a time: the request is written as one buffer,
 * the response framed by ResponseParser straight from the socket's 'data' events, and the outcome handed to the
 * owner, with no promise, timer or object per request. The socket is (re)opened on demand: after the server
 * closes it, after `Connection: close`, after an error or a timeout, and when it has been idle for nearly as
 * long as the server said it would keep it (so a POST is not sent into a close the server already decided).
 * Timeouts are enforced by the owner calling `expireIfDue` (its DeadlineQueue links the connection in place).
 */
export class HttpConnection implements Timed<HttpConnection> {
  /** Set by the runner for each exchange: which scope to record under, and when it was meant to start. */
  scope = 0;
  intendedAt = 0;
  /** Free for the owner's bookkeeping (e.g. the closed model's loop number). */
  slot = 0;
  private socket: Socket | undefined;
  /** The socket has not completed an exchange yet, so a close before any answer is not a keep-alive race. */
  private fresh = true;
  private readonly parser = new ResponseParser();
  private request: RequestPlan | undefined;
  private bytes: Buffer | undefined;
  /** When the current exchange times out (performance.now() time); Infinity when idle. */
  deadline = Infinity;
  prevDue: HttpConnection | undefined;
  nextDue: HttpConnection | undefined;
  queued = false;
  /** When the idle socket is to be retired rather than reused; Infinity when the server set no idle timeout. */
  private idleUntil = Infinity;
  private retried = false;
  private socketError: Error | undefined;

  constructor(
    private readonly origin: Origin,
    private readonly timeoutMs: number,
    private readonly owner: ConnectionOwner,
  ) {}

  get busy(): boolean {
    return this.request !== undefined;
  }

  /** Starts one exchange; the outcome arrives through the owner, never synchronously from here. */
  send(prepared: PreparedRequest, ctx: TemplateContext | undefined): void {
    const now = performance.now();
    this.deadline = now + this.timeoutMs;
    let bytes: Buffer;
    try {
      bytes = prepared.bytes(ctx);
    } catch (err) {
      // A template that cannot render (e.g. a missing column): counted like any failed exchange.
      const outcome: Outcome = { error: 'other', hasLatency: false, status: 0, message: errorMessage(err) };
      setImmediate(() => this.owner.completed(this, outcome, now));
      return;
    }
    this.request = prepared.plan;
    this.bytes = bytes;
    this.retried = false;
    this.parser.begin(prepared.parseOptions);
    // A socket the server has closed (its FIN seen) or is about to close as idle is not reused.
    if (this.socket !== undefined && (now >= this.idleUntil || this.socket.readableEnded)) this.drop();
    (this.socket ?? this.open()).write(bytes);
  }

  /**
   * Opens the socket ahead of the first exchange, so a schedule that starts with a burst does not pay for many
   * TCP (and TLS) handshakes in its first milliseconds. Resolves when connected; a failure is left for the first
   * exchange to meet and count.
   */
  preconnect(): Promise<void> {
    const socket = this.socket ?? this.open();
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off(socket instanceof TLSSocket ? 'secureConnect' : 'connect', done);
        socket.off('close', done);
        resolve();
      };
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', done);
      socket.once('close', done);
    });
  }

  /** Called by the owner's sweep: a request past its deadline is answered as a timeout and its socket closed. */
  expireIfDue(now: number): void {
    if (this.request === undefined || now < this.deadline) return;
    this.drop();
    this.finish(this.timedOut(), now);
  }

  private timedOut(): Outcome {
    return timedOutOutcome(this.timeoutMs);
  }

  /**
   * An answer that ended after the deadline is a timeout even when the deadline timer (≈1 ms coarse, and late
   * under load) has not fired yet: the timeout is applied at its own precision.
   */
  private answered(endedAt: number): void {
    this.finish(endedAt > this.deadline ? this.timedOut() : this.judge(), endedAt);
  }

  close(): void {
    this.request = undefined;
    this.drop();
  }

  private open(): Socket {
    const { host, port, tls } = this.origin;
    const socket =
      this.origin.dialer?.open(['http/1.1']) ??
      (tls
        ? tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] })
        : netConnect({ host, port, noDelay: true }));
    if (tls) socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: Error) => {
      if (socket === this.socket) this.socketError ??= err;
    });
    socket.on('close', () => this.onClose(socket));
    this.socket = socket;
    this.fresh = true;
    this.idleUntil = Infinity;
    this.socketError = undefined;
    return socket;
  }

  /** Forgets the current socket first, so its own close event is recognised as stale, then destroys it. */
  private drop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    if (this.request === undefined) {
      // Bytes nobody asked for: the stream is out of step with our requests.
      this.drop();
      return;
    }
    let end: number;
    try {
      end = this.parser.execute(chunk);
    } catch (err) {
      this.drop();
      this.finish(failure(err), performance.now());
      return;
    }
    if (end < 0) return;
    // One exchange at a time: bytes past the response mean the server and we disagree on framing.
    if (!this.parser.keepAlive || end < chunk.length) this.drop();
    this.fresh = false;
    const endedAt = performance.now();
    const idleMs = this.parser.idleTimeoutMs;
    this.idleUntil = idleMs < 0 ? Infinity : endedAt + idleMs - Math.min(IDLE_MARGIN_MS, idleMs / 2);
    this.answered(endedAt);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    const r = this.request;
    if (r === undefined) return; // an idle keep-alive connection the server closed: reopened on the next send
    if (this.parser.finishOnClose()) return this.answered(performance.now());
    if (!this.fresh && !this.parser.started && !this.retried && IDEMPOTENT.has(r.method) && this.bytes !== undefined) {
      // The server closed a reused connection as we wrote to it: resend once on a new one, as clients do.
      this.retried = true;
      this.owner.resent?.(this, failure(this.socketError ?? closedEarly()));
      this.open().write(this.bytes);
      return;
    }
    this.finish(failure(this.socketError ?? closedEarly()), performance.now());
  }

  private judge(): Outcome {
    const r = this.request;
    const status = this.parser.status;
    if (r === undefined) return status === 200 ? OK : okWithStatus(status);
    if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
    if (this.parser.bodyTooLarge) return bodyTooLarge(status);
    if (r.checks.length > 0) {
      const parts = this.parser.body;
      const body = parts === undefined ? undefined : Buffer.concat(parts).toString('utf8');
      const block = this.parser.headerBlock;
      const failed = runChecks(r.checks, { body, header: (name) => headerValue(block, name) });
      if (failed !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${failed}` };
    }
    return status === 200 ? OK : okWithStatus(status);
  }

  private finish(outcome: Outcome, endedAt: number): void {
    this.request = undefined;
    this.bytes = undefined;
    this.deadline = Infinity;
    this.owner.completed(this, outcome, endedAt);
  }
}

/** A header from the raw header block; repeated headers are joined as Node does. */
export function headerValue(block: string | undefined, name: string): string | undefined {
  if (block === undefined) return undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) values.push(line.slice(colon + 1).trim());
  }
  return values.length === 0 ? undefined : values.join(', ');
}
