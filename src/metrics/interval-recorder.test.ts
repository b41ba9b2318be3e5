import { describe, expect, it } from 'vitest';
import { type IntervalSnapshot, IntervalRecorder } from './interval-recorder.js';
import { RunAggregator } from './run-aggregator.js';

describe('IntervalRecorder: the generator running out of its own resources', () => {
  it('counts local_resource under its kind only: not a request, not an error of the target', () => {
    const recorder = new IntervalRecorder(['a']);
    const aggregator = new RunAggregator(['a']);
    recorder.request(0, 5, undefined, 200);
    recorder.request(0, undefined, 'connect_refused', 0);
    for (let i = 0; i < 8; i++) recorder.request(0, undefined, 'local_resource', 0);
    recorder.flush(1000, (s: IntervalSnapshot) => aggregator.add(s));
    expect(aggregator.errorsByKind.local_resource).toBe(8);
    expect(aggregator.metrics()).toMatchObject({ requests: 2, errors: 1, errorRate: 0.5 });
    expect(aggregator.byScope().a).toMatchObject({ requests: 2, errors: 1 });
  });
});
