import { createHistogram, type Histogram, recordMs } from './histogram.js';
import { IntervalRecorder } from './interval-recorder.js';

/** Run totals of one call's streams: how many calls received messages, how many came, and when the first did. */
export interface StreamTotals {
  calls: number;
  messages: number;
  firstMessage: Histogram;
}

/**
 * The interval recorder of a gRPC run (calls are its request scopes) plus, per call, the figures of server and
 * bidi streams: messages per call and the time to the first message. Those are run totals: the live view and
 * the SLOs read the calls, the result reads the streams at the end.
 */
export class GrpcRecorder extends IntervalRecorder {
  readonly streams: StreamTotals[];

  constructor(names: readonly string[]) {
    super(names);
    this.streams = names.map(() => ({ calls: 0, messages: 0, firstMessage: createHistogram() }));
  }

  stream(scope: number, firstMessageMs: number | undefined, messages: number): void {
    const totals = this.streams[scope];
    if (totals === undefined) return;
    totals.calls++;
    totals.messages += messages;
    if (firstMessageMs !== undefined) recordMs(totals.firstMessage, firstMessageMs);
  }
}
