import { performance } from 'node:perf_hooks';
import { EventEngine } from '../../engines/event/event-engine.js';
import { EventRunRecorder } from '../../metrics/event-run-recorder.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import { buildStages } from '../../scenario/stages.js';
import { DemoBroker } from '../../targets/event-broker.js';

const RATE = 20_000;
const DURATION_MS = 100;
const DRAIN_MS = 200;
const FOLD_EVERY_MS = 10;

/**
 * Runs the event path of our own code (publisher, envelope, sequence tracking, consumers, the recorders and their
 * once-a-second aggregation) on the in-memory demo broker before a run's clock starts: 2,000 messages of the run's
 * own queue plans, thrown away (their counts are returned for the tests).
 * Its first calls run in V8's interpreter: in the first second of a run at a few thousand messages a second that
 * cold start kept the generator busy for the whole second, and the starts it delayed were a send-delay p99 of tens
 * of milliseconds that later seconds never showed. It runs the run's own queue plans and recorder class, so what is
 * warmed is what the run will do (its headers and templates, its body, its queues and consumers), not a look-alike.
 * The broker's client library stays cold, as a plain client's does.
 */
export async function primeEventPath(events: EventsPlan): Promise<{ published: number; consumed: number }> {
  const names = events.queues.map((q) => q.name);
  const recorder = new EventRunRecorder(names);
  const load = {
    model: 'open' as const,
    stages: buildStages(RATE, [{ durationMs: DURATION_MS, value: RATE }]),
    durationMs: DURATION_MS,
    maxInFlight: 1000,
  };
  // The same queue plans (a consumer's processing delay included); only the drain is cut short and nothing is
  // deleted: the demo broker is thrown away with everything in it.
  const warm: EventsPlan = { ...events, drainMs: DRAIN_MS, cleanup: false };
  const context = { sink: recorder.events, adapters: new DemoBroker().adapters() };
  // Folded every few milliseconds, as a run folds every second: folded once, the histogram adds and percentile
  // walks were still cold in the run's first two seconds, 4-10 ms each on the thread that publishes.
  const t0 = performance.now();
  const fold = (): void => recorder.flush(performance.now() - t0, () => undefined);
  const folding = setInterval(fold, FOLD_EVERY_MS);
  try {
    await new EventEngine().run(load, warm, context, recorder, new AbortController().signal);
  } finally {
    clearInterval(folding);
  }
  fold();
  const { acked, consumed } = recorder.totals.metrics();
  return { published: acked, consumed };
}
