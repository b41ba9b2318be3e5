import type { FromWorker, ThreadJob, ToWorker, WorkerSetup } from '../../commands/worker-protocol.js';
import { ABORT_DRAIN_MS } from '../../engines/engine.js';
import type { ConnectionObserver } from '../../engines/event/broker-adapter.js';
import { describeError } from '../../engines/event/broker-errors.js';
import { RECEIPT_FIELDS } from '../../engines/event/consumer-host.js';
import { REGISTRY_ADAPTERS } from '../../engines/event/event-engine.js';
import { publishOnSchedule } from '../../engines/event/publish-pump.js';
import { QueueProducers } from '../../engines/event/queue-producers.js';
import { warmUpClients } from '../../engines/event/warm-up.js';
import { EventRecorder } from '../../metrics/event-recorder.js';
import { IntervalRecorder } from '../../metrics/interval-recorder.js';
import { encodeInterval } from '../../metrics/snapshot-wire.js';
import type { EventsPlan } from '../../scenario/event-plan.js';
import type { ExecutionPlan } from '../../scenario/plan.js';

/** How often a producer thread tells the main thread what it still awaits (the drain polls at this pace). */
const STATUS_EVERY_MS = 50;

/**
 * A producer thread of an event run with `--workers N`: its own connections to every queue (the queue's
 * `producers` of them), its slot of the publish schedule, and the sequence trackers of its own producers. Receipts
 * of its producers' messages come from the main thread, whose consumers took them up; its counts (publishes,
 * consumes, duplicates, losses, the three histograms) go back in each interval. It ends when the main thread's
 * drain is over (`finish`), with the intended send times of what it still awaits.
 */
export async function producerJob(
  plan: ExecutionPlan,
  events: EventsPlan,
  setup: WorkerSetup,
  post: (message: FromWorker) => void,
): Promise<ThreadJob> {
  const recorder = new IntervalRecorder(events.queues.map((q) => q.name));
  const sink = new EventRecorder(events.queues.length);
  if (setup.runId === undefined) throw new RangeError('an event producer thread needs the run id');
  const deps = { runId: setup.runId, events: sink, samples: recorder };
  const { shard } = setup;
  const queues: QueueProducers[] = [];
  try {
    for (const q of events.queues) {
      const observer: ConnectionObserver = {
        lost: (err) => {
          sink.connectionLost(q.index);
          const text = describeError(err, q.target);
          recorder.errorSample('connect_reset', `producer ${q.name}: connection lost: ${text}`);
        },
        // Counted as the main thread counts them: a drop never restored fails the run.
        restored: () => sink.connectionRestored(q.index),
        groupRecreated: () => sink.groupRecreated(q.index),
      };
      const create = (o: ConnectionObserver) => REGISTRY_ADAPTERS.create(q.target, o);
      // Producer ids after the threads before this one: a tracker per producer, whichever thread it lives in.
      const slot = { producerBase: shard.index * q.producers, shard };
      // Connected now, so an unreachable broker fails the run before load; prepared once the main thread has.
      queues.push(await QueueProducers.connect(q, deps, create, observer, slot, false));
    }
    // This thread's own copy of the client library is cold; its scratch destination needs nothing prepared.
    await warmUpClients(
      queues.map((q) => q.warmUpSubject),
      new AbortController().signal,
    );
  } catch (err) {
    await Promise.all(queues.map((q) => q.close()));
    throw err;
  }
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const status = (): void =>
    post({
      type: 'status',
      outstanding: queues.map((q) => q.outstanding),
      oldest: queues.map((q) => q.oldestOutstandingMs() ?? NaN),
    });

  return {
    flush: (send) => recorder.flush(0, (s) => sink.flush(0, (e) => send(encodeInterval(s, e.queues)))),
    async run(signal) {
      const timer = setInterval(status, STATUS_EVERY_MS);
      try {
        for (const q of queues) await q.prepare();
        const pump = queues.map((p, i) => ({ publisher: p.publisher, weight: events.queues[i]?.weight ?? 1 }));
        await publishOnSchedule(plan.load, pump, recorder, signal, shard);
        post({ type: 'scheduled' });
        const settleMs = signal.aborted ? ABORT_DRAIN_MS : events.publishTimeoutMs;
        await Promise.all(queues.map((q) => q.publisher.settle(settleMs)));
        recorder.setInFlight(0);
        // The status first: once the main thread hears "settled", what it knows of this thread can only fall.
        status();
        post({ type: 'settled' });
        await finished;
      } finally {
        clearInterval(timer);
        await Promise.all(queues.map((q) => q.close()));
      }
    },
    handle(message: ToWorker) {
      if (message.type === 'finish') return finish();
      if (message.type !== 'receipts') return;
      const q = queues[message.queue];
      const d = message.data;
      for (let i = 0; q !== undefined && i + RECEIPT_FIELDS <= d.length; i += RECEIPT_FIELDS)
        q.receipt(d[i] as number, d[i + 1] as number, d[i + 2] as number, d[i + 3] as number);
    },
    leftover: () =>
      queues.map((q) => {
        const times: number[] = [];
        q.forEachOutstanding((ms) => times.push(ms));
        return Float64Array.from(times);
      }),
  };
}
