import { EventEngine } from '../../engines/event/event-engine.js';
import type { AdapterSource } from '../../engines/event/queue-run.js';
import { EventRunRecorder } from '../../metrics/event-run-recorder.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { DemoBroker } from '../../targets/event-broker.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { liveEvents } from './live.js';
import { eventMetricSource, withEvents } from './section.js';
import { hasWindowedSlo } from '../../slo/window.js';

/** Publish/consume load on a broker: one scope per queue; publishes are its requests, events ride beside. */
export function eventKit(plan: ExecutionPlan, events: EventsPlan, adapters: AdapterSource | undefined): RunKit {
  const names = events.queues.map((q) => q.name);
  const recorder = new EventRunRecorder(names);
  const aggregator = new RunAggregator(names, { keepPointHistograms: hasWindowedSlo(plan.slos) });
  const context = adapters === undefined ? { sink: recorder.events } : { sink: recorder.events, adapters };
  return {
    scopes: {
      names,
      noun: 'queue',
      methods: {},
      destinations: Object.fromEntries(events.queues.map((q) => [q.name, q.target.destination])),
    },
    serverUrl: undefined,
    recorder,
    aggregator,
    run: (signal) => new EventEngine().run(plan.load, events, context, recorder, signal),
    metricSource: () => eventMetricSource(aggregator, recorder.totals),
    finish: (result) => withEvents(result, recorder.totals, events),
    live: () => liveEvents(recorder.live()),
  };
}

/** Real brokers are reached when the engine connects (an unreachable one is exit 3); the demo broker starts here. */
export async function prepareEventRun(plan: ExecutionPlan, events: EventsPlan): Promise<PreparedRun> {
  const adapters = events.demo ? new DemoBroker().adapters() : undefined;
  return { kit: eventKit(plan, events, adapters), targetDisplay: events.display, stop: async () => undefined };
}
