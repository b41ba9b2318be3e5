import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type RunScale, workerShortfall } from '../../commands/scale.js';
import { threadedKit, WorkerGroup } from '../../commands/worker-group.js';
import { EventEngine, type EventRunContext } from '../../engines/event/event-engine.js';
import { InputError } from '../../errors.js';
import { WHOLE } from '../../scenario/shard.js';
import { EventRunRecorder } from '../../metrics/event-run-recorder.js';
import { RunAggregator } from '../../metrics/run-aggregator.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { DemoBroker } from '../../targets/event-broker.js';
import type { PreparedRun, RunKit } from '../workload.js';
import { liveEvents } from './live.js';
import { eventMetricSource, withEvents } from './section.js';
import { hasWindowedSlo } from '../../slo/window.js';
import { EventThreads } from './threads.js';
import { primeEventPath } from './prime.js';
import { loadAdapters } from '../../engines/event/adapter-registry.js';

/** Publish/consume load on a broker: one scope per queue; publishes are its requests, events ride beside. */
export function eventKit(
  plan: ExecutionPlan,
  events: EventsPlan,
  recorder: EventRunRecorder,
  context: EventRunContext,
): RunKit {
  const names = events.queues.map((q) => q.name);
  const aggregator = new RunAggregator(names, { keepPointHistograms: hasWindowedSlo(plan.slos) });
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

/** Once per process: the path stays warm, and a capacity search prepares a run for every step. */
let primed: Promise<unknown> | undefined;

/**
 * Consumer threads of a run that publishes from this thread: one, beside it, when the process may use two CPUs or
 * more; none (consumers in this thread, as a plain client runs them) on one CPU. There a consumer thread does not
 * run beside the publisher, it preempts it a scheduler slice at a time, and publishes start late by milliseconds:
 * the events bench measured a send-delay p99 of 32-65 ms at 20,000 msg/s on Redis with a consumer thread on the
 * generator's one core. The publish pump yields to the event loop between ticks, so consumers in its thread are
 * not starved by it.
 */
export function consumerThreadsFor(cpus: number): number {
  return cpus <= 1 ? 0 : 1;
}

/**
 * Real brokers are reached when the engine connects (an unreachable one is exit 3); the demo broker starts here.
 * `--workers N` (N > 1) runs the producers in N threads (at most one per CPU this process may use), each connected
 * before the clock starts; without it the run publishes from this thread, as before.
 */
export async function prepareEventRun(plan: ExecutionPlan, events: EventsPlan, scale: RunScale): Promise<PreparedRun> {
  const recorder = new EventRunRecorder(events.queues.map((q) => q.name));
  // As for requests in the open model: never more publishing threads than the CPUs this process may use.
  const threads = Math.min(scale.workers ?? 1, Math.max(1, availableParallelism()));
  const shortfall = workerShortfall(plan, scale, threads);
  const prepared = {
    targetDisplay: events.display,
    stop: async () => undefined,
    ...(shortfall !== undefined && { notes: [shortfall] }),
  };
  if (threads <= 1 || scale.source === undefined) {
    if (!events.demo) {
      // The client library first: loaded after the warm-up, it would undo it (see loadAdapters).
      await loadAdapters(events.queues.map((q) => q.target.url));
      await (primed ??= primeEventPath(events));
    }
    const context = events.demo
      ? { sink: recorder.events, adapters: new DemoBroker().adapters() }
      : { sink: recorder.events, consumerThreads: consumerThreadsFor(availableParallelism()) };
    return { ...prepared, kit: eventKit(plan, events, recorder, context) };
  }
  if (events.demo) {
    throw new InputError('--workers: the demo broker lives in one thread; use a real broker to publish from several');
  }
  const runId = randomUUID().slice(0, 8);
  const how = { source: scale.source, baseUrl: events.display, shard: WHOLE, count: threads, runId };
  const group = await WorkerGroup.start(recorder, how);
  const producers = new EventThreads(group, events, recorder.events);
  const context = { sink: recorder.events, threads: producers, consumerThreads: threads, runId };
  const kit = eventKit(plan, events, recorder, context);
  return { ...prepared, kit: threadedKit(kit, group, kit.run), stop: () => group.terminate() };
}
