import { IntervalRecorder } from './interval-recorder.js';
import { RunAggregator } from './run-aggregator.js';

/**
 * Runs the once-a-second aggregation path on throwaway data before a run's clock starts. Its first calls run in
 * V8's interpreter, where adding one interval histogram into the run's (a walk over ~22k HDR buckets) takes
 * ~12 ms instead of ~1 ms once optimised; in the first second of an open-model run such a stall shows up as a
 * burst of late starts. Priming moves that one-time cost before the schedule begins.
 */
export function primeAggregation(rounds = 6): void {
  const recorder = new IntervalRecorder(['prime']);
  const aggregator = new RunAggregator(['prime']);
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < 200; i++)
      recorder.request(0, 1 + i / 20, i % 50 === 0 ? 'status' : undefined, i % 50 === 0 ? 503 : 200);
    recorder.flush(round * 1000, (interval) => aggregator.add(interval));
    aggregator.metrics();
    aggregator.byScope();
  }
}
