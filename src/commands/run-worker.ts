import { parentPort, workerData } from 'node:worker_threads';
import { BenchError, ExitCode } from '../errors.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { encodeInterval } from '../metrics/snapshot-wire.js';
import { ThreadLoad } from '../metrics/thread-load.js';
import { HTTP_ENGINES } from '../workloads/requests/run.js';
import { openFeed } from './open-feed.js';
import { resolvePlan } from './resolve-plan.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

/**
 * A worker thread of `run --workers N`: loads and plans the scenario again from its source, runs its slot of
 * the load with its own recorder, and posts each interval when the main thread asks, so the main thread's
 * aggregator (live view, SLOs, result) sees exactly the sum of all workers.
 */
async function work(port: NonNullable<typeof parentPort>, setup: WorkerSetup): Promise<void> {
  const post = (message: FromWorker): void => port.postMessage(message);
  const plan = await resolvePlan(setup.source.file, setup.source.flags);
  const feed = plan.data && (await openFeed(plan.data, setup.shard));
  const recorder = new IntervalRecorder(plan.requests.map((r) => r.name));
  const load = new ThreadLoad(plan.load.model);
  const stop = new AbortController();
  let go: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (go = resolve));
  const handlers = {
    start: () => go(),
    flush: () =>
      recorder.flush(0, (s) => post({ type: 'interval', interval: encodeInterval(s), sample: load.sample() })),
    stop: () => {
      go();
      stop.abort();
    },
  } satisfies Record<ToWorker['type'], () => void>;
  port.on('message', (message: ToWorker) => handlers[message.type]());
  post({ type: 'ready' });
  await started;
  load.start();
  await HTTP_ENGINES[plan.load.model]().run(
    plan,
    { baseUrl: setup.baseUrl, feed, shard: setup.shard, transport: setup.transport },
    recorder,
    stop.signal,
  );
  recorder.flush(0, (s) => post({ type: 'done', interval: encodeInterval(s), figures: load.finish() }));
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
