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

interface Waiter {
  matches: ((text: string) => boolean) | undefined;
  resolve(outcome: 'reply' | 'mismatch' | 'closed' | 'timeout'): void;
}

/** Runs one session to its end; resolves when closed. `seq` numbers the messages of the whole run. */
export async function runSession(
  plan: WsSessionPlan,
  sink: WsSink,
  signal: AbortSignal,
  nextSeq: () => number,
): Promise<void> {
  const start = performance.now();
  const socket = new WebSocket(plan.url, [...plan.subprotocols], {
    headers: { ...plan.headers },
    handshakeTimeout: plan.connectTimeoutMs,
    perMessageDeflate: false,
    ...plan.tls,
  });
  let waiter: Waiter | undefined;
  let everOpen = false;
  socket.once('open', () => (everOpen = true));
  let closedBy: 'us' | 'peer' | undefined;
  const closed = new Promise<void>((resolve) => {
    socket.on('close', (code) => {
      if (!everOpen) return resolve();
      const clean = closedBy === 'us';
      closedBy ??= 'peer';
      sink.closed(code, clean);
      waiter?.resolve('closed');
      resolve();
    });
  });
  socket.on('message', (data) => {
    sink.received();
    const w = waiter;
    if (w === undefined) return;
    // Decoded only when a check reads it: most replies are just "the next message".
    if (w.matches === undefined || w.matches(messageText(data))) w.resolve('reply');
  });
  if (!(await opened(socket, sink, start))) return;
  const deadline = new ReplyDeadline(() => waiter?.resolve('timeout'));
  const endAt = plan.durationMs === undefined ? Infinity : start + plan.durationMs;
  const rounds = plan.rounds ?? Infinity;
  for (
    let round = 0;
    round < rounds && performance.now() < endAt && !signal.aborted && closedBy === undefined;
    round++
  ) {
    for (const step of plan.steps) {
      if (signal.aborted || closedBy !== undefined) break;
      if (step.render === undefined) {
        await pause(step.pauseMs ?? 0, signal);
        continue;
      }
      const sentAt = performance.now();
      const reply = new Promise<'reply' | 'mismatch' | 'closed' | 'timeout'>((resolve) => {
        waiter = { matches: step.matches, resolve };
      });
      deadline.arm(step.timeoutMs);
      socket.send(step.render(nextSeq()));
      sink.sent();
      const outcome = await reply;
      waiter = undefined;
      const ms = performance.now() - sentAt;
      if (outcome === 'reply') sink.roundTrip(step.scope, ms, undefined);
      else if (outcome === 'timeout')
        sink.roundTrip(step.scope, ms, 'timeout', `no matching reply within ${step.timeoutMs} ms`);
      else if (!signal.aborted) sink.roundTrip(step.scope, undefined, 'connect_reset', 'session closed by the server');
    }
  }
  deadline.clear();
  if (closedBy === undefined) {
    closedBy = 'us';
    socket.close(1000);
  }
  await closed;
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

function opened(socket: WebSocket, sink: WsSink, start: number): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('open', () => {
      sink.connected(performance.now() - start);
      resolve(true);
    });
    let open = false;
    socket.once('open', () => (open = true));
    // Kept for the whole session: an error after the handshake is followed by 'close', which ends the session.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (open) return;
      sink.connectFailed(err.code === 'ECONNREFUSED' ? 'connect_refused' : 'other', err.message);
      resolve(false);
    });
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
