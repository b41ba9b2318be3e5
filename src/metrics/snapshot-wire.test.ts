import { describe, expect, it } from 'vitest';
import { encodeHistogram, summarizeHistogram } from './histogram.js';
import { IntervalRecorder, type IntervalSnapshot } from './interval-recorder.js';
import { EventRecorder } from './event-recorder.js';
import { EventRunRecorder } from './event-run-recorder.js';
import { decodeInterval, encodeInterval, type WireInterval } from './snapshot-wire.js';

const NAMES = ['a', 'b'];

/** What the reporting side keeps of a flushed interval (the snapshot itself is reused after consume). */
function keep(s: IntervalSnapshot): unknown {
  return {
    total: { ...s.total, latency: encodeHistogram(s.total.latency) },
    scopes: [...s.scopes].map(([name, c]) => [
      name,
      {
        ...c,
        latency: encodeHistogram(c.latency),
        // Rows in a canonical order: a merged recorder meets the pairs in the order its workers report them.
        statuses: (c.statuses ?? [])
          .filter((r) => r.requests > 0)
          .map((r) => ({ status: r.status, error: r.error, requests: r.requests, latency: encodeHistogram(r.latency) }))
          .sort((x, y) => x.status - y.status || String(x.error).localeCompare(String(y.error))),
      },
    ]),
    errorsByKind: { ...s.errorsByKind },
    sendDelay: summarizeHistogram(s.sendDelay),
    inFlight: s.inFlight,
    targetRate: s.targetRate,
    errorSamples: [...s.errorSamples].sort(),
  };
}

function flushed(recorder: IntervalRecorder): unknown {
  let out: unknown;
  recorder.flush(1000, (s) => (out = keep(s)));
  return out;
}

/** Deterministic traffic for worker w: latencies, errors, drops, send delays and gauges. */
function drive(recorder: IntervalRecorder, w: number): void {
  for (let i = 0; i < 500; i++) {
    const latency = i % 7 === 0 ? undefined : 1 + ((i * 37 + w * 11) % 900) / 10;
    const error = i % 7 === 0 ? 'connect_refused' : i % 13 === 0 ? 'status' : undefined;
    recorder.request(i % 2, latency, error, error === 'connect_refused' ? 0 : error === 'status' ? 500 + w : 200);
    if (i % 13 === 0) recorder.errorSample('status', `status ${500 + w}`);
    recorder.sendDelay(((i + w) % 50) / 100);
  }
  recorder.dropped(1);
  recorder.setInFlight(3 + w);
  recorder.setTargetRate(100);
}

describe('worker intervals on the wire', () => {
  it('folded into one recorder, several workers give exactly what one recorder seeing everything gives', () => {
    const direct = new IntervalRecorder(NAMES);
    const merged = new IntervalRecorder(NAMES);
    for (let w = 0; w < 3; w++) {
      const worker = new IntervalRecorder(NAMES);
      drive(worker, w);
      drive(direct, w);
      let wire: WireInterval | undefined;
      worker.flush(1000, (s) => (wire = structuredClone(encodeInterval(s))));
      merged.absorb(decodeInterval(wire as WireInterval));
    }
    // Gauges are per generator: the merged interval sums them; the direct recorder only knows the last set.
    const m = flushed(merged) as { inFlight: number; targetRate: number };
    const d = flushed(direct) as { inFlight: number; targetRate: number };
    expect(m.inFlight).toBe(3 + 4 + 5);
    expect(m.targetRate).toBe(300);
    expect({ ...m, inFlight: 0, targetRate: 0 }).toEqual({ ...d, inFlight: 0, targetRate: 0 });
  });

  it('an idle worker costs a few bytes and folds in as nothing', () => {
    const idle = new IntervalRecorder(NAMES);
    let wire: WireInterval | undefined;
    idle.flush(1000, (s) => (wire = encodeInterval(s)));
    expect(JSON.stringify(wire).length).toBeLessThan(400);
    const merged = new IntervalRecorder(NAMES);
    merged.absorb(decodeInterval(wire as WireInterval));
    expect(flushed(merged)).toEqual(flushed(new IntervalRecorder(NAMES)));
  });
});

/** Event traffic of producer thread w on two queues: publishes, consumes, faults and send delays. */
function driveEvents(events: EventRecorder, w: number): void {
  for (let i = 0; i < 300 + w * 50; i++) {
    const q = i % 2;
    events.publishStarted(q, (i % 40) / 10);
    if (i % 17 === 0) events.publishFailed(q, i % 2 === 0 ? 'nack' : 'timeout');
    else events.published(q, 1 + ((i * 31 + w) % 500) / 10);
    if (i % 11 === 0) events.duplicate(q);
    if (i % 23 === 0) events.missing(q, 'lost', 1000 + i);
    else events.consumed(q, 2 + ((i * 7 + w) % 300) / 10, i % 19 === 0);
  }
  events.dropped(1, 2 + w);
}

describe('event counts of producer threads on the wire', () => {
  it('absorbed into the run recorder, the merged counts and histogram totals are the sums of the threads', () => {
    const run = new EventRunRecorder(NAMES);
    const direct = new EventRecorder(NAMES.length);
    for (let w = 0; w < 2; w++) {
      const requests = new IntervalRecorder(NAMES);
      const events = new EventRecorder(NAMES.length);
      driveEvents(events, w);
      driveEvents(direct, w);
      let wire: WireInterval | undefined;
      requests.flush(1000, (s) => events.flush(1000, (e) => (wire = structuredClone(encodeInterval(s, e.queues)))));
      run.absorb(decodeInterval(wire as WireInterval));
    }
    const sums = (r: EventRecorder): unknown[] => {
      let out: unknown[] = [];
      r.flush(
        1000,
        (s) =>
          (out = s.queues.map((c) => ({
            ...c,
            errors: { ...c.errors },
            publish: [c.publish.totalCount, summarizeHistogram(c.publish)],
            e2e: [c.e2e.totalCount, summarizeHistogram(c.e2e)],
            sendDelay: [c.sendDelay.totalCount, summarizeHistogram(c.sendDelay)],
          }))),
      );
      return out;
    };
    const merged = sums(run.events);
    expect(merged).toEqual(sums(direct));
    // Thread 0 started 300 publishes, thread 1 350: queue 0 has every even one of each.
    expect(merged[0]).toMatchObject({ attempted: 150 + 175, sendDelay: [325, expect.anything()] });
  });
});
