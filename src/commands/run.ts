import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../errors.js';
import { judgeHealth, judgeLateness } from '../metrics/saturation.js';
import { primeAggregation } from '../metrics/prime.js';
import { waitForStart } from './start-at.js';
import { ThreadLoad } from '../metrics/thread-load.js';
import { summarizeHistogram } from '../metrics/histogram.js';
import type { Reporter } from '../reporters/reporter.js';
import { buildResult, type RunResult } from '../result/run-result.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import type { Shard } from '../scenario/shard.js';
import { evaluateSlos, type MetricSource, slosToAbort } from '../slo/evaluate.js';
import { VERSION } from '../version.js';
import { prepareEventRun } from './event-run.js';
import { prepareFlowRun } from './flow-run.js';
import { prepareHttpRun } from './http-run.js';
import { openFeed } from './open-feed.js';
import type { RunKit } from './run-kit.js';
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
): Promise<RunOutcome> {
  checkScale(plan, scale);
  const feed = plan.data && (await openFeed(plan.data, scale.shard));
  const prepared =
    plan.events !== undefined
      ? await prepareEventRun(plan, plan.events)
      : plan.flows !== undefined
        ? await prepareFlowRun(plan, plan.flows, feed)
        : await prepareHttpRun(plan, feed, scale);
  try {
    await waitForStart(scale.startAt, signal);
    return await drive(plan, prepared.kit, prepared.targetDisplay, reporters, signal, scale.shard);
  } finally {
    await prepared.stop();
  }
}

async function drive(
  plan: ExecutionPlan,
  kit: RunKit,
  targetDisplay: string,
  reporters: readonly Reporter[],
  userStop: AbortSignal,
  shard: Shard | undefined,
): Promise<RunOutcome> {
  const { scopeNames: names, recorder, aggregator } = kit;
  const stop = new AbortController();
  const onUserStop = (): void => stop.abort();
  userStop.addEventListener('abort', onUserStop, { once: true });
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  let abortedBy: string | null = null;
  for (const r of reporters) {
    await r.onStart?.({
      runId,
      scenario: plan.name,
      target: targetDisplay,
      model: plan.load.model,
      durationMs: plan.load.durationMs,
      requests: names,
      scopeNoun: kit.scopeNoun,
      sloCount: plan.slos.length,
      requestMethods: kit.requestMethods,
      serverUrl: kit.serverUrl,
    });
  }
  primeAggregation();
  const load = new ThreadLoad(plan.load.model).start();
  const t0 = performance.now();
  // The SLO view costs a percentile pass per scope: made once per second, and only when SLOs will read it.
  const sloSource = (): MetricSource | undefined => (plan.slos.length > 0 ? kit.metricSource() : undefined);
  let lastSource: MetricSource | undefined;
  // Reporters see the raw interval synchronously (exporters keep their own totals from it), then it is reused.
  const publish = (elapsedMs: number): void =>
    recorder.flush(elapsedMs, (interval) => {
      aggregator.add(interval);
      const point = aggregator.latest;
      if (point === undefined) return;
      lastSource = sloSource();
      const update = {
        elapsedMs,
        durationMs: plan.load.durationMs,
        point,
        totalRequests: aggregator.total.requests,
        totalErrors: aggregator.total.errors,
        totalDropped: aggregator.total.dropped,
        interval,
        verdicts: lastSource === undefined ? [] : evaluateSlos(plan.slos, lastSource),
        generator: kit.generatorSample?.() ?? load.sample(),
        events: kit.liveEvents?.(),
        flows: kit.liveFlows?.(),
      };
      for (const r of reporters) void r.onInterval?.(update);
    });
  let collecting = false;
  let ended = false;
  const tick = async (): Promise<void> => {
    // Worker threads report on request; a tick that finds the last one still waiting skips its turn.
    if (collecting) return;
    collecting = true;
    await kit.collect?.();
    collecting = false;
    if (ended) return;
    const elapsedMs = performance.now() - t0;
    lastSource = undefined;
    publish(elapsedMs);
    const blown = lastSource === undefined ? undefined : slosToAbort(plan.slos, lastSource, elapsedMs)[0];
    if (blown !== undefined && abortedBy === null) {
      abortedBy = blown.expr;
      stop.abort();
    }
  };
  const timer = setInterval(() => void tick(), INTERVAL_MS);
  try {
    await kit.run(stop.signal);
  } finally {
    ended = true;
    clearInterval(timer);
    userStop.removeEventListener('abort', onUserStop);
  }
  publish(performance.now() - t0);
  const sendDelayP99Ms = summarizeHistogram(aggregator.sendDelay).p99;
  const own = load.finish();
  const generator = judgeLateness(
    kit.generatorHealth?.(plan.load.model, sendDelayP99Ms) ?? judgeHealth(plan.load.model, { ...own, sendDelayP99Ms }),
    aggregator.sendDelay,
    aggregator.elapsedMs,
  );
  // Windowed SLOs read the run's seconds, each with its latency histogram.
  const seconds = hasWindowedSlo(plan.slos) ? perSecond(aggregator.timeseries, aggregator.pointHistograms) : undefined;
  const verdicts = evaluateSlos(plan.slos, { ...kit.metricSource(), seconds });
  const result = kit.finish(
    buildResult(
      {
        runId,
        version: VERSION,
        scenario: plan.name,
        target: targetDisplay,
        model: plan.load.model,
        startedAt,
        interrupted: userStop.aborted,
        abortedBy,
        slos: plan.slos,
        shard,
        pointHistograms: aggregator.pointHistograms,
      },
      aggregator,
      verdicts,
      generator,
    ),
  );
  for (const r of reporters) await r.onEnd(result);
  return { result, exitCode: exitCodeOf(result) };
}
