import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS, type Engine, type RunContext, sleep, yieldToLoop } from '../engine.js';
import { ArrivalSchedule, valueAt } from '../schedule.js';
import { splitCount, WHOLE, wholeArrival } from '../../scenario/shard.js';
import { SequenceNumbers } from '../sequence.js';
import type { Channel } from './channel.js';
import { RequestRunner } from './request-runner.js';

/** Starts due in one pass before yielding, so a late tick catches up without starving I/O. */
const MAX_STARTS_PER_TICK = 500;
/** Starts still unmade this long after the schedule's end are missed (dropped): the run ends on time, whatever the rate. */
const MISSED_AFTER_MS = 1000;
/** Connections opened before the clock starts: a few, plus one per this many arrivals per second. */
const PRECONNECT_MIN = 2;
const PRECONNECT_PER = 1000;
const PRECONNECT_WAIT_MS = 2000;

/**
 * Open model (arrival rate): requests start on schedule whatever the target does. Latency is measured from
 * the intended start, so a stalled server cannot hide its stall (no coordinated omission). When the in-flight
 * cap is reached the start is counted as dropped, never silently skipped. Connections are opened as needed
 * (at most one per request in flight) and reused most-recently-idle first, which keeps few of them warm.
 * A shard of the run starts every count-th arrival of the whole schedule, so shards interleave exactly.
 */
export class OpenModelEngine implements Engine {
  async run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void> {
    const { stages } = plan.load;
    const shard = context.shard ?? WHOLE;
    const maxInFlight = Math.max(1, splitCount(plan.load.maxInFlight, shard));
    const idle: Channel[] = [];
    const runner = new RequestRunner(plan, sink, {
      baseUrl: context.baseUrl,
      feed: context.feed,
      seq: new SequenceNumbers(shard.index, shard.count),
      transport: context.transport,
      onConnections: context.onConnections,
      afterExchange: (connection) => void idle.push(connection),
    });
    const schedule = new ArrivalSchedule(stages);
    // Enough warm connections for the opening rate's first milliseconds; more open as the target needs them.
    const warm = Math.min(maxInFlight, PRECONNECT_MIN + Math.ceil(valueAt(stages, 0) / shard.count / PRECONNECT_PER));
    const opened = Array.from({ length: warm }, () => runner.connect());
    await Promise.race([Promise.all(opened.map((c) => c.preconnect())), sleep(PRECONNECT_WAIT_MS, signal)]);
    idle.push(...opened);
    const t0 = performance.now();
    let k = 0;
    let due = schedule.timeOf(wholeArrival(0, shard));
    while (due !== undefined && !signal.aborted) {
      const now = performance.now() - t0;
      sink.setTargetRate(valueAt(stages, now) / shard.count);
      if (now >= schedule.endMs + MISSED_AFTER_MS) {
        // The schedule is over: starts the generator never reached are missed, counted at once, not sent late.
        runner.drop(schedule.overdue(k, Infinity, shard));
        break;
      }
      for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
        if (runner.inFlight >= maxInFlight) {
          // At the cap every start already due is dropped: counted in one step, however many millions.
          const n = Math.max(1, schedule.overdue(k, now, shard));
          runner.drop(n);
          k += n - 1;
        } else {
          sink.sendDelay(now - due);
          runner.fire(idle.pop() ?? runner.connect(), t0 + due);
        }
        due = schedule.timeOf(wholeArrival(++k, shard));
      }
      if (due === undefined) break;
      // Timers are coarse (≈1 ms): sleep until just before the next start, then yield until it is due.
      const wait = due - (performance.now() - t0);
      if (wait > 2) await sleep(wait - 1, signal);
      else await yieldToLoop();
    }
    sink.setTargetRate(0);
    await runner.drain(signal.aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
    runner.close();
  }
}
