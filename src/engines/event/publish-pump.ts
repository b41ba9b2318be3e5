import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { type Shard, splitCount, WHOLE, wholeArrival } from '../../scenario/shard.js';
import { sleep, yieldToLoop } from '../engine.js';
import { WeightedPicker } from '../http/request-picker.js';
import { ArrivalSchedule, valueAt } from '../schedule.js';
import type { QueuePublisher } from './publisher.js';

const MAX_STARTS_PER_TICK = 500;
/** Publishes still unmade this long after the schedule's end are missed (dropped): the run ends on time. */
const MISSED_AFTER_MS = 1000;

/** One queue as the pump sees it: its publisher and its share of the rate. */
export interface PumpQueue {
  readonly publisher: QueuePublisher;
  readonly weight: number;
}

/**
 * The open-model publish loop: arrival k goes out at its intended time whatever the broker does, spread over the
 * queues by weight. A thread of `run --workers N` is one slot of the whole schedule (`shard`): it publishes every
 * N-th arrival and keeps its share of the in-flight cap, so the threads together publish the schedule exactly.
 */
export async function publishOnSchedule(
  load: LoadPlan,
  queues: readonly PumpQueue[],
  sink: SampleSink,
  signal: AbortSignal,
  shard: Shard = WHOLE,
): Promise<void> {
  const { stages } = load;
  const maxInFlight = Math.max(1, splitCount(load.maxInFlight, shard));
  const schedule = new ArrivalSchedule(stages);
  const picker = new WeightedPicker(queues.map((q) => q.weight));
  const t0 = performance.now();
  const epoch0 = performance.timeOrigin + t0;
  let inFlight = 0;
  let k = 0;
  let due = schedule.timeOf(wholeArrival(0, shard));
  while (due !== undefined && !signal.aborted) {
    const now = performance.now() - t0;
    sink.setTargetRate(valueAt(stages, now) / shard.count);
    inFlight = queues.reduce((a, q) => a + q.publisher.inFlight, 0);
    if (now >= schedule.endMs + MISSED_AFTER_MS) {
      // The schedule is over: publishes never reached are missed, counted at once rather than sent late.
      dropMany(queues, picker, schedule.overdue(k, Infinity, shard));
      break;
    }
    for (let burst = 0; due !== undefined && due <= now && burst < MAX_STARTS_PER_TICK; burst++) {
      if (inFlight >= maxInFlight) {
        // At the cap every publish already due is dropped in one step, however many.
        const n = Math.max(1, schedule.overdue(k, now, shard));
        dropMany(queues, picker, n);
        k += n - 1;
      } else {
        sink.sendDelay(now - due);
        (queues[picker.next()] as PumpQueue).publisher.publish(epoch0 + due);
        inFlight++;
      }
      due = schedule.timeOf(wholeArrival(++k, shard));
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

/** Publishes the generator could not make, shared among the queues by weight. */
function dropMany(queues: readonly PumpQueue[], picker: WeightedPicker, count: number): void {
  if (count <= 0) return;
  if (count === 1) return (queues[picker.next()] as PumpQueue).publisher.dropped();
  picker.split(count).forEach((n, i) => n > 0 && queues[i]?.publisher.dropped(n));
}
