import { describe, expect, it } from 'vitest';
import { IntervalRecorder } from './interval-recorder.js';
import { primeAggregation } from './prime.js';
import { RunAggregator } from './run-aggregator.js';

describe('primeAggregation', () => {
  // What priming buys (no burst of late starts in the first second) is measured by `npm run bench`, not timed here.
  it('leaves no trace in the run that follows', () => {
    primeAggregation();
    const recorder = new IntervalRecorder(['a']);
    const aggregator = new RunAggregator(['a']);
    for (let i = 0; i < 1000; i++) recorder.request(0, 2, undefined, 200);
    recorder.flush(1000, (interval) => aggregator.add(interval));
    expect(aggregator.total.requests).toBe(1000);
    expect(aggregator.timeseries).toHaveLength(1);
    expect(aggregator.metrics()).toMatchObject({ requests: 1000, errors: 0, latencyMs: { p50: 2 } });
  });
});
