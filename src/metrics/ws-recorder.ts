import type { ErrorKind } from './error-kinds.js';
import { createHistogram, type Histogram, recordMs } from './histogram.js';
import { type IntervalSnapshot, IntervalRecorder } from './interval-recorder.js';

/** Sessions ended with one close code: how many the server closed, how many we did. */
export interface CloseCount {
  byServer: number;
  byClient: number;
}

/** Session figures of one interval, or of the whole run. */
export interface WsCounts {
  started: number;
  failed: number;
  sent: number;
  received: number;
  /** Time to open a session (TCP, TLS and the upgrade handshake). */
  connect: Histogram;
  /** By close code. */
  closes: Map<number, CloseCount>;
}

function emptyCounts(): WsCounts {
  return { started: 0, failed: 0, sent: 0, received: 0, connect: createHistogram(), closes: new Map() };
}

function addCloses(into: Map<number, CloseCount>, from: ReadonlyMap<number, CloseCount>): void {
  for (const [code, c] of from) {
    const row = into.get(code);
    if (row === undefined) into.set(code, { ...c });
    else {
      row.byServer += c.byServer;
      row.byClient += c.byClient;
    }
  }
}

/** The run's session figures, added from each interval. */
export class WsTotals {
  readonly counts: WsCounts = emptyCounts();

  add(interval: WsCounts): void {
    const c = this.counts;
    c.started += interval.started;
    c.failed += interval.failed;
    c.sent += interval.sent;
    c.received += interval.received;
    c.connect.add(interval.connect);
    addCloses(c.closes, interval.closes);
  }
}

/**
 * The hot-path sink of a WebSocket run: an IntervalRecorder whose scopes are the send steps (round trips are
 * its requests), plus the session figures beside them. Each flush hands the session side to the run's totals
 * first, and keeps it readable (`live()`) while exporters consume the same second.
 */
export class WsRecorder extends IntervalRecorder {
  private readonly interval: WsCounts = emptyCounts();
  private current: WsCounts | undefined;

  constructor(
    scopeNames: readonly string[],
    private readonly totals: WsTotals,
  ) {
    super(scopeNames);
  }

  sessionStarted(connectMs: number): void {
    this.interval.started++;
    recordMs(this.interval.connect, connectMs);
  }

  sessionFailed(_kind: ErrorKind): void {
    this.interval.failed++;
  }

  messages(sent: number, received: number): void {
    this.interval.sent += sent;
    this.interval.received += received;
  }

  closed(code: number, byServer: boolean): void {
    const row = this.interval.closes.get(code) ?? { byServer: 0, byClient: 0 };
    if (byServer) row.byServer++;
    else row.byClient++;
    this.interval.closes.set(code, row);
  }

  override flush(elapsedMs: number, consume: (snapshot: IntervalSnapshot) => void): void {
    const i = this.interval;
    this.totals.add(i);
    this.current = i;
    try {
      super.flush(elapsedMs, consume);
    } finally {
      this.current = undefined;
    }
    i.started = 0;
    i.failed = 0;
    i.sent = 0;
    i.received = 0;
    i.connect.reset();
    i.closes.clear();
  }

  /** During a flush's `consume`: the session side of the same second. */
  live(): WsCounts | undefined {
    return this.current;
  }
}
