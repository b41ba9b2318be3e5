import { EventEngine } from '../../engines/event/event-engine.js';
import { EventAggregator } from '../../metrics/event-aggregator.js';
import { EventRecorder } from '../../metrics/event-recorder.js';
import { IntervalRecorder } from '../../metrics/interval-recorder.js';
import { planEvents } from '../../scenario/event-plan.js';
import type { EventsConfig } from '../../scenario/event-schema.js';
import { buildStages } from '../../scenario/stages.js';
import { DemoBroker } from '../../targets/event-broker.js';

const RATE = 20_000;
const DURATION_MS = 100;

/**
 * Runs the event path of our own code (publisher, envelope, sequence tracking, consumers, the recorders and their
 * once-a-second aggregation) on the in-memory demo broker before a run's clock starts, 2,000 messages thrown away (their counts are returned for the tests).
 * Its first calls run in V8's interpreter: in the first second of a run at a few thousand messages a second that
 * cold start kept the generator busy for the whole second, and the starts it delayed were a send-delay p99 of tens
 * of milliseconds that later seconds never showed. The broker's client library stays cold, as a plain client's does.
 */
export async function primeEventPath(): Promise<{ published: number; consumed: number }> {
  const config = {
    broker: 'demo',
    drain: 200,
    cleanup: false,
    queues: [{ queue: 'prime', mode: 'produce-consume', prefetch: 100, producers: 1, weight: 1, size: 256 }],
  } as EventsConfig;
  const plan = planEvents(config, { add: () => undefined });
  if (plan === undefined) return { published: 0, consumed: 0 };
  const events = new EventRecorder(1);
  const totals = new EventAggregator(['prime']);
  const samples = new IntervalRecorder(['prime']);
  const load = {
    model: 'open' as const,
    stages: buildStages(RATE, [{ durationMs: DURATION_MS, value: RATE }]),
    durationMs: DURATION_MS,
    maxInFlight: 1000,
  };
  await new EventEngine().run(
    load,
    plan,
    { sink: events, adapters: new DemoBroker().adapters() },
    samples,
    new AbortController().signal,
  );
  events.flush(DURATION_MS, (s) => totals.add(s));
  const { acked, consumed } = totals.metrics();
  return { published: acked, consumed };
}
