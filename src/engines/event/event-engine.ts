import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventSink } from '../../metrics/event-recorder.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS, sleep, yieldToLoop } from '../engine.js';
import { WeightedPicker } from '../http/request-picker.js';
import { WHOLE } from '../../scenario/shard.js';
import { ArrivalSchedule, valueAt } from '../schedule.js';
import { adapterFor } from './adapter-registry.js';
import { type AdapterSource, QueueRun } from './queue-run.js';

const MAX_STARTS_PER_TICK = 500;
/** Publishes still unmade this long after the schedule's end are missed (dropped): the run ends on time. */
const MISSED_AFTER_MS = 1000;
const LAG_EVERY_MS = 1000;
const DRAIN_POLL_MS = 50;
const DRAIN_LAG_EVERY_MS = 250;

/** What an event run needs besides the plan: where samples go, and how adapters are made. */
export interface EventRunContext {
  sink: EventSink;
  /** Defaults to the adapter registry (by URL scheme); the demo broker supplies its own. */
  adapters?: AdapterSource;
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
 * does, spread over the queues by weight), consumes in worker threads, samples the broker's lag every second, then
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
      runId: randomUUID().slice(0, 8),
      adapters: context.adapters ?? REGISTRY_ADAPTERS,
      events: context.sink,
      samples: sink,
    };
    const queues: QueueRun[] = [];
    try {
      for (const q of events.queues) queues.push(await QueueRun.open(q, deps));
    } catch (err) {
      await Promise.all(queues.map((q) => q.finish(false)));
      throw err;
    }
    const sample = (): void => queues.forEach((q) => void q.sampleLag());
    sample();
    const sampler = setInterval(sample, LAG_EVERY_MS);
    try {
      context.sink.phase('publishing');
      await this.publish(load, queues, sink, signal);
      context.sink.phase('draining');
      await Promise.all(
        queues.map((q) => q.publisher.settle(signal.aborted ? ABORT_DRAIN_MS : events.publishTimeoutMs)),
      );
      sink.setInFlight(0);
      await this.drain(queues, signal.aborted ? ABORT_DRAIN_MS : events.drainMs, signal);
    } finally {
      clearInterval(sampler);
      context.sink.phase('done');
      await Promise.all(queues.map((q) => q.finish(events.cleanup)));
    }
  }

  private async publish(
    load: LoadPlan,
    queues: readonly QueueRun[],
    sink: SampleSink,
    signal: AbortSignal,
  ): Promise<void> {
    const { stages, maxInFlight } = load;
    const schedule = new ArrivalSchedule(stages);
    const picker = new WeightedPicker(queues.map((q) => q.plan.weight));
    const t0 = performance.now();
    const epoch0 = performance.timeOrigin + t0;
    let inFlight = 0;
    let k = 0;
    let due = schedule.timeOf(0);
    while (due !== undefined && !signal.aborted) {
      const now = performance.now() - t0;
      sink.setTargetRate(valueAt(stages, now));
      inFlight = queues.reduce((a, q) => a + q.publisher.inFlight, 0);
      if (now >= schedule.endMs + MISSED_AFTER_MS) {
        // The schedule is over: publishes never reached are missed, counted at once rather than sent late.
        dropMany(queues, picker, schedule.overdue(k, Infinity, WHOLE));
        break;
      }
      for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
        if (inFlight >= maxInFlight) {
          // At the cap every publish already due is dropped in one step, however many.
          const n = Math.max(1, schedule.overdue(k, now, WHOLE));
          dropMany(queues, picker, n);
          k += n - 1;
        } else {
          sink.sendDelay(now - due);
          (queues[picker.next()] as QueueRun).publisher.publish(epoch0 + due);
          inFlight++;
        }
        due = schedule.timeOf(++k);
      }
      sink.setInFlight(inFlight);
      if (due === undefined) break;
      // Sleep until the next start; spin (yielding every turn) only when it is due within a millisecond. A timer may
      // wake a little late: that is measured as send delay, and cheaper than spinning a core the consumers need.
      const wait = due - (performance.now() - t0);
      if (wait >= 1) await sleep(wait, signal);
      else await yieldToLoop();
    }
    sink.setTargetRate(0);
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

/** Publishes the generator could not make, shared among the queues by weight. */
function dropMany(queues: readonly QueueRun[], picker: WeightedPicker, count: number): void {
  if (count === 1) return (queues[picker.next()] as QueueRun).publisher.dropped();
  picker.split(count).forEach((n, i) => n > 0 && queues[i]?.publisher.dropped(n));
}
