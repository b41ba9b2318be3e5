import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ErrorKind } from '../../metrics/error-kinds.js';

/**
 * One WebSocket session as a load unit: connect (headers, subprotocols), then run steps — send a message and
 * wait for the reply that matches, or pause — for a number of rounds or until a deadline, then close. It knows
 * nothing of schedules or recorders: it reports what happened to a sink.
 */

export interface WsStep {
  /** Index of the step's scope (a round trip is recorded against it). */
  readonly scope: number;
  /** Renders the message to send; undefined for a pause. */
  readonly render?: (seq: number) => string;
  /** Whether a received message is the reply (a check passes); undefined: the next message is. */
  readonly matches?: (text: string) => boolean;
  readonly timeoutMs: number;
  /** A pause between steps, in ms. */
  readonly pauseMs?: number;
}

export interface WsSessionPlan {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly subprotocols: readonly string[];
  readonly steps: readonly WsStep[];
  /** Rounds of the steps per session; or run rounds until `durationMs` has passed. */
  readonly rounds: number | undefined;
  readonly durationMs: number | undefined;
  readonly connectTimeoutMs: number;
  /** wss://: the CA to trust, a client certificate, the name to verify, or no verification at all. */
  readonly tls?: WsTls;
}

export interface WsTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

export interface WsSink {
  /** Connected after `ms`, or failed to (kind and message). */
  connected(ms: number): void;
  connectFailed(kind: ErrorKind, message: string): void;
  /** One send→reply; `latencyMs` undefined when no answer came at all. */
  roundTrip(scope: number, latencyMs: number | undefined, error: ErrorKind | undefined, message?: string): void;
  sent(): void;
  received(): void;
  /** The session ended with this close code; `clean` when we closed it (1000) rather than the server. */
  closed(code: number, clean: boolean): void;
}

type Outcome = 'reply' | 'closed' | 'timeout';

/** Runs one session to its end; resolves when closed. `seq` numbers the messages of the whole run. */
export function runSession(
  plan: WsSessionPlan,
  sink: WsSink,
  signal: AbortSignal,
  nextSeq: () => number,
): Promise<void> {
  return new Promise((resolve) => new Session(plan, sink, signal, nextSeq, resolve).start());
}

/**
 * A session driven by its socket's events rather than an awaited promise per round trip: the reply handler
 * records the round trip and sends the next message at once, as a hand-written loop would, so the accounting
 * costs no promise, microtask or closure per message.
 */
class Session {
  private socket: WebSocket | undefined;
  private started = 0;
  private open = false;
  private closedBy: 'us' | 'peer' | undefined;
  private round = 0;
  private next = 0;
  private endAt = Infinity;
  /** The send step whose reply is awaited, and when it was sent. */
  private awaiting: WsStep | undefined;
  private sentAt = 0;
  private readonly deadline = new ReplyDeadline(() => this.complete('timeout'));
  private pausing: (() => void) | undefined;
  /** Why the library tore an open session down (a malformed frame), when it did. */
  private broken: string | undefined;

  constructor(
    private readonly plan: WsSessionPlan,
    private readonly sink: WsSink,
    private readonly signal: AbortSignal,
    private readonly nextSeq: () => number,
    private readonly resolve: () => void,
  ) {}

  start(): void {
    const { plan, sink } = this;
    this.started = performance.now();
    const socket = new WebSocket(plan.url, [...plan.subprotocols], {
      headers: { ...plan.headers },
      handshakeTimeout: plan.connectTimeoutMs,
      perMessageDeflate: false,
      ...plan.tls,
    });
    this.socket = socket;
    // A stop while the handshake waits (a server that never answers the upgrade) ends it now, rather than
    // holding the process until the handshake timeout.
    const onAbort = (): void => void (this.open ? undefined : socket.terminate());
    this.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => this.signal.removeEventListener('abort', onAbort));
    socket.once('open', () => {
      this.open = true;
      sink.connected(performance.now() - this.started);
      if (plan.durationMs !== undefined) this.endAt = this.started + plan.durationMs;
      this.step();
    });
    // Kept for the whole session: an error after the handshake is followed by 'close', which ends the session.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A handshake we cut at a stop is not the server's failure.
      if (!this.open && !this.signal.aborted) {
        sink.connectFailed(err.code === 'ECONNREFUSED' ? 'connect_refused' : 'other', err.message);
      } else if (this.open) this.broken = err.message;
    });
    socket.on('message', (data) => {
      sink.received();
      const step = this.awaiting;
      // Decoded only when a check reads it: most replies are just "the next message".
      if (step !== undefined && (step.matches === undefined || step.matches(messageText(data)))) {
        this.complete('reply');
      }
    });
    socket.on('close', (code) => this.onClose(code));
  }

  /** Runs steps until one waits (a send awaiting its reply, or a pause), or the session is done. */
  private step(): void {
    const { plan } = this;
    for (;;) {
      if (this.signal.aborted || this.closedBy !== undefined) return this.finish();
      if (this.next === plan.steps.length) {
        this.next = 0;
        this.round++;
      }
      if (this.next === 0 && (this.round >= (plan.rounds ?? Infinity) || performance.now() >= this.endAt)) {
        return this.finish();
      }
      const step = plan.steps[this.next++] as WsStep;
      if (step.render === undefined) return this.pause(step.pauseMs ?? 0);
      this.awaiting = step;
      this.sentAt = performance.now();
      this.deadline.arm(step.timeoutMs);
      (this.socket as WebSocket).send(step.render(this.nextSeq()));
      this.sink.sent();
      return;
    }
  }

  private complete(outcome: Outcome): void {
    const step = this.awaiting;
    if (step === undefined) return;
    this.awaiting = undefined;
    const ms = performance.now() - this.sentAt;
    if (outcome === 'reply') this.sink.roundTrip(step.scope, ms, undefined);
    else if (outcome === 'timeout') {
      this.sink.roundTrip(step.scope, ms, 'timeout', `no matching reply within ${step.timeoutMs} ms`);
    } else if (this.broken !== undefined) {
      // The server broke the protocol (ws names the fault, e.g. reserved bits set): an answer, malformed.
      this.sink.roundTrip(step.scope, undefined, 'malformed_response', `invalid frame: ${this.broken}`);
    } else if (!this.signal.aborted) {
      this.sink.roundTrip(step.scope, undefined, 'connect_reset', 'session closed by the server');
    }
    if (outcome !== 'closed') this.step();
  }

  /** A pause between steps; a stop ends it at once. */
  private pause(ms: number): void {
    const done = (): void => {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', done);
      this.pausing = undefined;
      this.step();
    };
    const timer = setTimeout(done, ms);
    this.pausing = done;
    this.signal.addEventListener('abort', done, { once: true });
  }

  private finish(): void {
    this.deadline.clear();
    if (this.closedBy !== undefined) return;
    this.closedBy = 'us';
    this.socket?.close(1000);
  }

  private onClose(code: number): void {
    this.deadline.clear();
    if (this.open) {
      const clean = this.closedBy === 'us';
      this.closedBy ??= 'peer';
      this.sink.closed(code, clean);
      this.complete('closed');
      if (this.pausing !== undefined) {
        const stopPause = this.pausing;
        this.pausing = undefined;
        this.signal.removeEventListener('abort', stopPause);
      }
    }
    this.resolve();
  }
}

function messageText(data: WebSocket.RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as ArrayBuffer).toString();
}

/**
 * One timer per session for the reply timeout, re-armed with `refresh()` at each send rather than created and
 * cleared per round trip (a measurable share of a round trip's CPU). A reply does not disarm it: when it fires
 * with no reply awaited, nothing happens; the next send re-arms it from that moment.
 */
class ReplyDeadline {
  private timer: NodeJS.Timeout | undefined;
  private ms = 0;

  constructor(private readonly onTimeout: () => void) {}

  arm(ms: number): void {
    if (this.timer !== undefined && this.ms === ms) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.ms = ms;
    this.timer = setTimeout(this.onTimeout, ms);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
