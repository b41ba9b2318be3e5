import { parentPort, workerData } from 'node:worker_threads';
import { BenchError, ExitCode } from '../errors.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { encodeInterval } from '../metrics/snapshot-wire.js';
import { ThreadLoad } from '../metrics/thread-load.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { HTTP_ENGINES } from '../workloads/requests/run.js';
import { openFeed } from './open-feed.js';
import { resolvePlan } from './resolve-plan.js';
import type { FromWorker, ThreadJob, ToWorker, WorkerSetup } from './worker-protocol.js';

/**
 * A worker thread of `run --workers N`: loads and plans the scenario again from its source, runs its slot of
 * the load with its own recorder, and posts each interval when the main thread asks, so the main thread's
 * aggregator (live view, SLOs, result) sees exactly the sum of all workers. Request scenarios run an HTTP engine;
 * event scenarios run producers (src/workloads/events/producer-thread.ts).
 */
async function work(port: NonNullable<typeof parentPort>, setup: WorkerSetup): Promise<void> {
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const plan = await resolvePlan(setup.source.file, setup.source.flags);
  const job = plan.events
    ? await (await import('../workloads/events/producer-thread.js')).producerJob(plan, plan.events, setup, post)
    : await httpJob(plan, setup);
  const load = new ThreadLoad(plan.load.model);
  const stop = new AbortController();
  let go: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (go = resolve));
  const handlers = {
    start: () => go(),
    flush: () => job.flush((interval) => post({ type: 'interval', interval, sample: load.sample() })),
    stop: () => {
      go();
      stop.abort();
    },
  } satisfies Partial<Record<ToWorker['type'], () => void>>;
  port.on('message', (message: ToWorker) =>
    message.type in handlers ? handlers[message.type as keyof typeof handlers]() : job.handle?.(message),
  );
  post({ type: 'ready' });
  await started;
  load.start();
  await job.run(stop.signal);
  const leftover = job.leftover?.();
  job.flush((interval) =>
    post(
      { type: 'done', interval, figures: load.finish(), ...(leftover && { leftover }) },
      (leftover ?? []).map((a) => a.buffer as ArrayBuffer),
    ),
  );
}

/** The request engines: one recorder, the plan's engine on this thread's slot of the run. */
async function httpJob(plan: ExecutionPlan, setup: WorkerSetup): Promise<ThreadJob> {
  const feed = plan.data && (await openFeed(plan.data, setup.shard));
  const recorder = new IntervalRecorder(plan.requests.map((r) => r.name));
  return {
    flush: (send) => recorder.flush(0, (s) => send(encodeInterval(s))),
    run: (signal) =>
      HTTP_ENGINES[plan.load.model]().run(
        plan,
        { baseUrl: setup.baseUrl, feed, shard: setup.shard, transport: setup.transport },
        recorder,
        signal,
      ),
  };
}

const port = parentPort;
if (port !== null) {
  work(port, workerData as WorkerSetup)
    .catch((err: unknown) => {
      const exitCode = err instanceof BenchError ? err.exitCode : ExitCode.RunFailed;
      port.postMessage({
        type: 'failed',
        message: err instanceof Error ? err.message : String(err),
        exitCode,
      } satisfies FromWorker);
    })
    .finally(() => port.close());
}
