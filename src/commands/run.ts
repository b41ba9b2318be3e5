import { randomUUID } from 'node:crypto';
import { untilAborted } from '../engines/engine.js';
import { ExitCode } from '../errors.js';
import { judgeHealth, judgeLateness, withLocalFailures } from '../metrics/saturation.js';
import { primeAggregation } from '../metrics/prime.js';
import { waitForStart } from './start-at.js';
import { ThreadLoad } from '../metrics/thread-load.js';
import { summarizeHistogram } from '../metrics/histogram.js';
import type { Reporter } from '../reporters/reporter.js';
import { OutputWarnings } from '../reporters/output-warnings.js';
import { ReporterSet } from '../reporters/reporter-set.js';
import { buildResult, type RunResult } from '../result/run-result.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import type { Shard } from '../scenario/shard.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { VERSION } from '../version.js';
import { workloadOf } from '../workloads/registry.js';
import type { RunKit } from '../workloads/workload.js';
import { openFeed } from './open-feed.js';
import { checkOpenFiles } from './open-files.js';
import { Publisher } from './publisher.js';
import { checkScale, type RunScale } from './scale.js';
import { perSecond } from '../slo/window-evaluate.js';
import { hasWindowedSlo } from '../slo/window.js';

const INTERVAL_MS = 1000;

export { openFeed } from './open-feed.js';
export { resolvePlan } from './resolve-plan.js';

export interface RunOutcome {
  result: RunResult;
  exitCode: ExitCode;
}

/** The exit code a result calls for; `merge` ends the same way as `run`. */
export function exitCodeOf(result: RunResult): ExitCode {
  if (result.interrupted) return ExitCode.Interrupted;
  if (result.failure !== undefined) return ExitCode.RunFailed;
  return result.pass ? ExitCode.Pass : ExitCode.SloFailed;
}

/**
 * load → plan → execute → evaluate → report. `signal` is the user's stop (Ctrl-C): the run ends early,
 * and the result is still evaluated and written, marked interrupted.
 */
export async function executeRun(
  plan: ExecutionPlan,
  reporters: readonly Reporter[],
  signal: AbortSignal,
  scale: RunScale = {},
  /** Where outputs report failures (stderr unless the caller says otherwise); the result lists them. */
  warnings: OutputWarnings = new OutputWarnings((line) => void process.stderr.write(`${line}\n`)),
  /** A second Ctrl-C: the result is written from what has been recorded, without waiting for the drain. */
  hurry?: AbortSignal,
): Promise<RunOutcome> {
  checkScale(plan, scale);
  checkOpenFiles(plan, scale.shard);
  const feed = plan.data && (await openFeed(plan.data, scale.shard));
  const prepared = await workloadOf(plan).prepare(plan, { feed, scale, signal });
  for (const note of prepared.notes ?? []) process.stderr.write(`backend-bench: note: ${note}\n`);
  try {
    await waitForStart(scale.startAt, signal);
    const run = { plan, kit: prepared.kit, targetDisplay: prepared.targetDisplay, shard: scale.shard };
    return await drive(run, new ReporterSet(reporters, warnings), { signal, hurry });
  } finally {
    await prepared.stop();
  }
}

/** What one run is about, as drive() and the result need it. */
interface RunSetup {
  plan: ExecutionPlan;
  kit: RunKit;
  targetDisplay: string;
  shard: Shard | undefined;
}

/** Load runs until the kit is done, the user stops it, or an abortOnFail SLO fails; reporters hear every second. */
async function drive(
  run: RunSetup,
  reporters: ReporterSet,
  user: { signal: AbortSignal; hurry: AbortSignal | undefined },
): Promise<RunOutcome> {
  const { plan, kit } = run;
  const userStop = user.signal;
  const stop = new AbortController();
  const onUserStop = (): void => stop.abort();
  userStop.addEventListener('abort', onUserStop, { once: true });
  // Stopped while preparing (Ctrl-C during a readiness wait): no load, but the result is still written.
  if (userStop.aborted) stop.abort();
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  await reporters.start({
    runId,
    scenario: plan.name,
    target: run.targetDisplay,
    model: plan.load.model,
    durationMs: plan.load.durationMs,
    requests: kit.scopes.names,
    scopeNoun: kit.scopes.noun,
    sloCount: plan.slos.length,
    requestMethods: kit.scopes.methods,
    serverUrl: kit.serverUrl,
    scopeServers: kit.scopes.servers,
    destinations: kit.scopes.destinations,
  });
  primeAggregation();
  const load = new ThreadLoad(plan.load.model).start();
  const publisher = new Publisher(plan, kit, load, reporters);
  let stoppedAtMs: number | undefined;
  stop.signal.addEventListener('abort', () => (stoppedAtMs = publisher.elapsedMs), { once: true });
  const timer = setInterval(() => void publisher.tick(() => stop.abort()), INTERVAL_MS);
  try {
    const running = kit.run(stop.signal);
    // A second Ctrl-C does not wait for the drain: the result is made from what has been recorded so far.
    running.catch(() => undefined);
    await (user.hurry === undefined ? running : Promise.race([running, untilAborted(user.hurry)]));
  } finally {
    publisher.end();
    clearInterval(timer);
    userStop.removeEventListener('abort', onUserStop);
  }
  publisher.publishLast();
  // Rates over the configured duration, or up to the stop when the run was cut short; never over the drain.
  kit.aggregator.closeRateWindow(Math.min(stoppedAtMs ?? Infinity, plan.load.durationMs));
  const built = finish(run, { runId, startedAt, interrupted: userStop.aborted, abortedBy: publisher.abortedBy }, load);
  // The exporters deliver first, so the result the files and the summary get lists any output that failed.
  const result = await reporters.end(built);
  return { result, exitCode: exitCodeOf(result) };
}

/** The run's result: the generator's health, the final SLO verdicts, and the workload's own section. */
function finish(
  { plan, kit, targetDisplay, shard }: RunSetup,
  facts: { runId: string; startedAt: Date; interrupted: boolean; abortedBy: string | null },
  load: ThreadLoad,
): RunResult {
  const { aggregator } = kit;
  const sendDelayP99Ms = summarizeHistogram(aggregator.sendDelay).p99;
  const own = load.finish();
  const generator = withLocalFailures(
    judgeLateness(
      kit.generatorHealth?.(plan.load.model, sendDelayP99Ms) ??
        judgeHealth(plan.load.model, { ...own, sendDelayP99Ms }),
      aggregator.sendDelay,
      aggregator.elapsedMs,
    ),
    aggregator.errorsByKind.local_resource,
  );
  // Windowed SLOs read the run's seconds, each with its latency histogram.
  const seconds = hasWindowedSlo(plan.slos) ? perSecond(aggregator.timeseries, aggregator.pointHistograms) : undefined;
  const verdicts = evaluateSlos(plan.slos, { ...kit.metricSource(), seconds });
  return kit.finish(
    buildResult(
      {
        ...facts,
        version: VERSION,
        scenario: plan.name,
        target: targetDisplay,
        model: plan.load.model,
        slos: plan.slos,
        shard,
        pointHistograms: aggregator.pointHistograms,
      },
      aggregator,
      verdicts,
      generator,
    ),
  );
}
