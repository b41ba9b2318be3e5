import { describe, expect, it } from 'vitest';
import { IntervalRecorder, type ScopeCounts } from './interval-recorder.js';
import { MAX_STATUS_ROWS, OTHER_STATUS, StatusTable } from './status-table.js';

const summary = (rows: ScopeCounts['statuses']): [number, string | undefined, number, number][] =>
  (rows ?? []).filter((r) => r.requests > 0).map((r) => [r.status, r.error, r.requests, r.latency.totalCount]);

describe('requests split by response status', () => {
  it('IntervalRecorder keeps one row per (status, error), and the scope latency is exactly the sum of its rows', () => {
    const recorder = new IntervalRecorder(['a', 'b']);
    for (let i = 0; i < 100; i++) recorder.request(0, 2 + (i % 10), undefined, 200);
    for (let i = 0; i < 20; i++) recorder.request(0, 50, 'status', 503);
    recorder.request(0, 5, 'check', 200);
    recorder.request(0, undefined, 'connect_refused', 0);
    recorder.request(0, 1000, 'timeout', 0);
    recorder.request(1, 3, undefined, 201);
    let a: [number, string | undefined, number, number][] = [];
    let aLatency = 0;
    let totalLatency = 0;
    recorder.flush(1000, (s) => {
      a = summary(s.scopes.get('a')?.statuses);
      aLatency = s.scopes.get('a')?.latency.totalCount ?? -1;
      totalLatency = s.total.latency.totalCount;
      expect(s.total.statuses).toBeUndefined();
      expect(summary(s.scopes.get('b')?.statuses)).toEqual([[201, undefined, 1, 1]]);
    });
    expect(a).toEqual([
      [200, undefined, 100, 100],
      [503, 'status', 20, 20],
      [200, 'check', 1, 1],
      [0, 'connect_refused', 1, 0],
      [0, 'timeout', 1, 1],
    ]);
    expect(aLatency).toBe(100 + 20 + 1 + 1);
    expect(totalLatency).toBe(aLatency + 1);
    // The next interval starts from zero but keeps its rows (no allocation for statuses already seen).
    recorder.request(0, 4, undefined, 200);
    recorder.flush(2000, (s) => {
      expect(summary(s.scopes.get('a')?.statuses)).toEqual([[200, undefined, 1, 1]]);
      expect(s.scopes.get('a')?.statuses?.length).toBe(5);
      expect(s.scopes.get('a')?.latency.totalCount).toBe(1);
    });
  });

  it('work without a status (event publishes) is recorded on the scope alone', () => {
    const recorder = new IntervalRecorder(['q']);
    recorder.request(0, 2, undefined);
    recorder.flush(1000, (s) => {
      expect(s.scopes.get('q')?.latency.totalCount).toBe(1);
      expect(s.scopes.get('q')?.statuses).toEqual([]);
    });
  });

  it('is bounded: statuses beyond the limit fold into an "other" row for successes and one for failures', () => {
    const table = new StatusTable();
    for (let s = 0; s < MAX_STATUS_ROWS + 10; s++) table.record(200 + s, s % 2 === 0 ? undefined : 'status', 1);
    expect(table.rows.length).toBe(MAX_STATUS_ROWS + 2);
    const other = table.rows.filter((r) => r.status === OTHER_STATUS);
    expect(other.map((r) => [r.error, r.requests])).toEqual([
      [undefined, 5],
      ['other', 5],
    ]);
    expect(table.rows.reduce((n, r) => n + r.requests, 0)).toBe(MAX_STATUS_ROWS + 10);
  });
});
