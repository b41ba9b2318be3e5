import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import { ABORT_DRAIN_MS, idleOrTimeout } from '../engine.js';
import type { UnitRunner } from '../units/unit-runner.js';
import { runSession, type WsSessionPlan } from './ws-session.js';
import { redactUrlsInText } from '../../scenario/redact.js';

/** What a WebSocket run records besides its round trips (which are its request scopes). */
export interface WsSessionSink extends SampleSink {
  sessionStarted(connectMs: number): void;
  /** A session that never opened; its error is also counted against the first send step. */
  sessionFailed(kind: ErrorKind): void;
  messages(sent: number, received: number): void;
  closed(code: number, byServer: boolean): void;
}

/**
 * Runs WebSocket sessions on behalf of a load model: each unit is one session (connect, steps, close). Round
 * trips are recorded against their send step's scope, so SLOs, compare and capacity read them as requests.
 */
export class WsRunner implements UnitRunner {
  private inFlightCount = 0;
  private seq = 0;
  private cut = false;
  private idle: (() => void) | undefined;
  private readonly nextSeq = (): number => this.seq++;
  /** Ends sessions after their current step: the user's stop, or a drain that ran out of time. */
  private readonly stop = new AbortController();

  constructor(
    private readonly plan: WsSessionPlan,
    private readonly sink: WsSessionSink,
    signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.stop.abort(), { once: true });
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  drop(count = 1): void {
    this.sink.dropped(this.firstScope(), count);
  }

  async run(): Promise<void> {
    this.sink.setInFlight(++this.inFlightCount);
    const sink = this.sink;
    const live = (): boolean => !this.cut;
    await runSession(
      this.plan,
      {
        connected: (ms) => live() && sink.sessionStarted(ms),
        connectFailed: (kind, message) => {
          if (!live()) return;
          sink.sessionFailed(kind);
          sink.request(this.firstScope(), undefined, kind);
          // A WebSocket URL often carries its token in the query: the message may name it, and samples are shown.
          sink.errorSample(kind, `connect: ${redactUrlsInText(message)}`);
        },
        roundTrip: (scope, ms, error, message) => {
          if (!live()) return;
          sink.request(scope, ms, error);
          if (error !== undefined && message !== undefined) sink.errorSample(error, message);
        },
        sent: () => live() && sink.messages(1, 0),
        received: () => live() && sink.messages(0, 1),
        closed: (code, clean) => live() && sink.closed(code, !clean),
      },
      this.stop.signal,
      this.nextSeq,
    );
    this.sink.setInFlight(--this.inFlightCount);
    if (this.inFlightCount === 0) this.idle?.();
  }

  /**
   * Sessions started late in the schedule get up to `maxMs` to run their steps; then every session is asked to
   * close after its current step, and what is still open a second later is cut (not counted).
   */
  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) await idleOrTimeout(maxMs, (wake) => (this.idle = wake));
    this.stop.abort();
    if (this.inFlightCount > 0) await idleOrTimeout(ABORT_DRAIN_MS, (wake) => (this.idle = wake));
    this.cut = true;
  }

  private firstScope(): number {
    return this.plan.steps.find((s) => s.render !== undefined)?.scope ?? 0;
  }
}
