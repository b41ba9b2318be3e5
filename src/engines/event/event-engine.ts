import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventSink } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS, sleep } from '../engine.js';
import { adapterFor } from './adapter-registry.js';
import type { ProducerThreads } from './producer-threads.js';
import { publishOnSchedule } from './publish-pump.js';
import { type AdapterSource, QueueRun } from './queue-run.js';
import { warmUpClients } from './warm-up.js';

const LAG_EVERY_MS = 1000;
const DRAIN_POLL_MS = 50;
const DRAIN_LAG_EVERY_MS = 250;

/** What an event run needs besides the plan: where samples go, and how adapters are made. */
export interface EventRunContext {
  sink: EventSink;
  /** Defaults to the adapter registry (by URL scheme); the demo broker supplies its own. */
  adapters?: AdapterSource;
  /** `run --workers N`: the producers run in worker threads; this thread consumes, reads the lag and drains. */
  threads?: ProducerThreads;
  /**
   * Threads for the consumers: `--workers N` spreads a queue's several consumers over up to N threads; 1 (the
   * default) is one consumer thread; 0 runs them in this thread (consumersOnOneCpu).
   */
  consumerThreads?: number;
  /** The run id every envelope carries (the threads must publish under the same one); a fresh one by default. */
  runId?: string;
}

/** Real brokers: the adapter of the URL's scheme (the planner already checked there is one). */
export const REGISTRY_ADAPTERS: AdapterSource = {
  create: (target, observer) => {
    const factory = adapterFor(target.url);
    if (factory === undefined) throw new Error(`no adapter for ${target.display}`);
    return factory(target, observer);
  },
  consumersInline: false,
};

/**
 * Event engine: publishes on the open-model schedule (arrival k goes out at its intended time whatever the broker
 * does, spread over the queues by weight) in this thread, or in worker threads with `--workers` (ProducerThreads),
 * consumes in worker threads (or in this thread on one CPU), samples the broker's lag every second (here, whoever publishes), then
 * drains: waits until our consumers have everything (or, in produce-only mode, until the broker's lag is zero), at
 * most `events.drain`. Whatever is still missing then is counted and recorded in the latency tail.
 */
export class EventEngine {
  async run(
    load: LoadPlan,
    events: EventsPlan,
    context: EventRunContext,
    sink: SampleSink,
    signal: AbortSignal,
  ): Promise<void> {
    const deps = {
      runId: context.runId ?? randomUUID().slice(0, 8),
      adapters: context.adapters ?? REGISTRY_ADAPTERS,
      events: context.sink,
      samples: sink,
      consumerThreads: context.consumerThreads,
    };
    const queues: QueueRun[] = [];
    try {
      for (const q of events.queues) queues.push(await QueueRun.open(q, deps, context.threads));
      await warmUpClients(
        queues.flatMap((q) => (q.local === undefined ? [] : [q.local.warmUpSubject])),
        signal,
      );
    } catch (err) {
      await Promise.all(queues.map((q) => q.finish(false)));
      throw err;
    }
    const sample = (): void => queues.forEach((q) => void q.sampleLag());
    sample();
    const sampler = setInterval(sample, LAG_EVERY_MS);
    try {
      context.sink.phase('publishing');
      const scheduled = (): void => context.sink.phase('draining');
      if (context.threads !== undefined) await context.threads.publish(signal, scheduled);
      else await this.publishHere(load, events, queues, { sink, scheduled }, signal);
      sink.setInFlight(0);
      await this.drain(queues, signal.aborted ? ABORT_DRAIN_MS : events.drainMs, signal);
    } finally {
      clearInterval(sampler);
      context.sink.phase('done');
      // Every receipt reaches its producer side before the threads say what they still await.
      await Promise.all(queues.map((q) => q.stopConsumers()));
      await context.threads?.finish();
      await Promise.all(queues.map((q) => q.finish(events.cleanup)));
    }
  }

  /** One publisher in this thread: the schedule, then its publishes settled (the drain phase starts meanwhile). */
  private async publishHere(
    load: LoadPlan,
    events: EventsPlan,
    queues: readonly QueueRun[],
    { sink, scheduled }: { sink: SampleSink; scheduled: () => void },
    signal: AbortSignal,
  ): Promise<void> {
    const pump = queues.flatMap((q) =>
      q.local === undefined ? [] : [{ publisher: q.local.publisher, weight: q.plan.weight }],
    );
    await publishOnSchedule(load, pump, sink, signal);
    scheduled();
    const settleMs = signal.aborted ? ABORT_DRAIN_MS : events.publishTimeoutMs;
    await Promise.all(pump.map((q) => q.publisher.settle(settleMs)));
  }

  /**
   * Until every queue is done, or `ms` passes. A consumed queue is done when our consumers have every message, or
   * when the broker has twice in a row reported nothing left for the group (what is still missing then is gone: it
   * is counted as lost, not waited for). A watched queue (produce-only) is done when its broker lag is zero.
   * Lag readings run beside the loop, never awaited by it: a broker slow to answer cannot push the drain past `ms`.
   * A stop (Ctrl-C) during the drain ends it at once: the user has stopped waiting for the consumers.
   */
  private async drain(queues: readonly QueueRun[], ms: number, signal: AbortSignal): Promise<void> {
    const deadline = performance.now() + ms;
    const stoppedBefore = signal.aborted;
    for (const q of queues) q.zeroLagStreak = 0;
    const done = (q: QueueRun): boolean => (q.plan.consumers > 0 && q.outstanding === 0) || q.zeroLagStreak >= 2;
    let lastSample = performance.now();
    while (performance.now() < deadline && !queues.every(done)) {
      if (signal.aborted && !stoppedBefore) return;
      await sleep(Math.min(DRAIN_POLL_MS, deadline - performance.now()), stoppedBefore ? undefined : signal);
      if (performance.now() - lastSample >= DRAIN_LAG_EVERY_MS) {
        lastSample = performance.now();
        for (const q of queues) void q.sampleLag();
      }
    }
  }
}
