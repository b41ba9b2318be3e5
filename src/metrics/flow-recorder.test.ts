import { describe, expect, it } from 'vitest';
import { FlowRecorder, type FlowScopes, FlowTotals } from './flow-recorder.js';
import type { IntervalSnapshot } from './interval-recorder.js';
import { TraceExemplars } from './trace-exemplars.js';

const SCOPES: FlowScopes = {
  flows: [
    { name: 'checkout', firstStep: 0 },
    { name: 'browse', firstStep: 2 },
  ],
  steps: [
    { name: 'create-user', flow: 0, service: 0 },
    { name: 'place-order', flow: 0, service: 1 },
    { name: 'list', flow: 1, service: 0 },
  ],
  services: ['users', 'orders'],
};

function flush(
  recorder: FlowRecorder,
  elapsedMs: number,
): { requests: number; errors: number; dropped: number; steps: Record<string, number> } {
  let seen: { requests: number; errors: number; dropped: number; steps: Record<string, number> } | undefined;
  recorder.flush(elapsedMs, (s: IntervalSnapshot) => {
    seen = {
      requests: s.total.requests,
      errors: s.total.errors,
      dropped: s.total.dropped,
      steps: Object.fromEntries([...s.scopes].map(([name, c]) => [name, c.requests])),
    };
  });
  if (seen === undefined) throw new Error('flush did not call back');
  return seen;
}

describe('FlowRecorder', () => {
  it('counts steps as requests of the run, and services, flows and skipped steps beside them', () => {
    const totals = new FlowTotals(SCOPES);
    const recorder = new FlowRecorder(SCOPES, totals);
    recorder.step(0, 0, 10, undefined, 200);
    recorder.step(1, 1, 30, 'status', 503);
    recorder.iteration(0, 50, true, 'a'.repeat(32));
    recorder.step(0, 0, 12, undefined, 200);
    recorder.skipped(1, 0);
    recorder.iteration(0, 20, true, 'b'.repeat(32));
    recorder.step(2, 0, 5, undefined, 200);
    recorder.iteration(1, 5, false, 'c'.repeat(32));
    recorder.flowDropped(1);
    const interval = flush(recorder, 1000);
    expect(interval).toEqual({
      requests: 4,
      errors: 1,
      dropped: 1,
      steps: { 'create-user': 2, 'place-order': 1, list: 1 },
    });
    expect(totals.services.rows.map((r) => [r.requests, r.errors])).toEqual([
      [3, 0],
      [1, 1],
    ]);
    expect(totals.flows.rows.map((r) => [r.requests, r.errors, r.skipped, r.dropped])).toEqual([
      [2, 2, 1, 0],
      [1, 0, 0, 1],
    ]);
    expect(totals.stepSkipped).toEqual([0, 1, 0]);
    expect(totals.flows.metrics(0, 1000)).toMatchObject({ requests: 2, errorRate: 1, skipped: 1, timeMs: 70 });
    expect(totals.exemplars.list(['checkout', 'browse']).failed.map((e) => e.traceId[0])).toEqual(['a', 'b']);
  });

  it('starts each interval from zero and keeps adding to the totals', () => {
    const totals = new FlowTotals(SCOPES);
    const recorder = new FlowRecorder(SCOPES, totals);
    recorder.step(0, 0, 10, undefined, 200);
    recorder.skipped(1, 0);
    flush(recorder, 1000);
    recorder.step(0, 0, 10, undefined, 200);
    expect(flush(recorder, 2000).requests).toBe(1);
    expect(totals.services.rows[0]?.requests).toBe(2);
    expect(totals.stepSkipped).toEqual([0, 1, 0]);
  });
});

describe('FlowRecorder live view', () => {
  it('hands out the flows, services and skipped steps of the interval being flushed, then starts afresh', () => {
    const recorder = new FlowRecorder(SCOPES, new FlowTotals(SCOPES));
    expect(recorder.live()).toBeUndefined();
    recorder.step(0, 0, 10, undefined, 201);
    recorder.step(1, 1, 30, 'status', 503);
    recorder.iteration(0, 50, true, 'a'.repeat(32));
    recorder.skipped(1, 0);
    const seen: unknown[] = [];
    const look = (): void => {
      const live = recorder.live();
      if (live === undefined) throw new Error('no live flows during the flush');
      seen.push({
        flows: live.flows.rows.map((r) => [r.requests, r.errors, r.latency.totalCount]),
        services: live.services.rows.map((r) => [r.requests, r.errors]),
        skipped: [...live.stepSkipped],
      });
    };
    recorder.flush(1000, look);
    recorder.flush(2000, look);
    expect(seen).toEqual([
      {
        flows: [
          [1, 1, 1],
          [0, 0, 0],
        ],
        services: [
          [1, 0],
          [1, 1],
        ],
        skipped: [0, 1, 0],
      },
      {
        flows: [
          [0, 0, 0],
          [0, 0, 0],
        ],
        services: [
          [0, 0],
          [0, 0],
        ],
        skipped: [0, 0, 0],
      },
    ]);
    expect(recorder.live()).toBeUndefined();
  });
});

describe('TraceExemplars', () => {
  it('keeps the slowest iterations and the first failed ones, bounded', () => {
    const kept = new TraceExemplars(3);
    for (let i = 0; i < 100; i++) kept.offer(`t${i}`, i % 2, (i * 37) % 101, i % 10 === 0);
    const { slowest, failed } = kept.list(['a', 'b']);
    expect(slowest.map((e) => e.durationMs)).toEqual([100, 99, 98]);
    expect(failed.map((e) => e.traceId)).toEqual(['t0', 't10', 't20']);
    const merged = new TraceExemplars(3);
    merged.offer('slow', 0, 500, false);
    merged.addFrom(kept);
    expect(merged.list(['a', 'b']).slowest.map((e) => e.traceId)).toEqual([
      'slow',
      expect.any(String),
      expect.any(String),
    ]);
    expect(merged.list(['a', 'b']).slowest[0]?.flow).toBe('a');
  });
});
