import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ClosedModelEngine } from '../engines/http/closed-model.js';
import { OpenModelEngine } from '../engines/http/open-model.js';
import type { Engine } from '../engines/engine.js';
import { ExitCode, InputError } from '../errors.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { RunAggregator } from '../metrics/run-aggregator.js';
import { LiveSaturation } from '../metrics/live-saturation.js';
import { SaturationMonitor } from '../metrics/saturation.js';
import { summarizeHistogram } from '../metrics/histogram.js';
import type { Reporter } from '../reporters/reporter.js';
import { buildResult, metricSource, type RunResult } from '../result/run-result.js';
import { type DataFeed, loadCsvFeed } from '../scenario/data-feed.js';
import { loadScenario } from '../scenario/load.js';
import { redactUrl } from '../scenario/redact.js';
import { type ExecutionPlan, type LoadPlan, planScenario } from '../scenario/plan.js';
import { validateScenario } from '../scenario/load.js';
import { evaluateSlos, slosToAbort } from '../slo/evaluate.js';
import { startDemo, type RunningDemo } from '../targets/launch.js';
import { VERSION } from '../version.js';
import { adHocScenario, applyFlags, type RunFlags } from './run-options.js';

const ENGINES = {
  open: () => new OpenModelEngine(),
  closed: () => new ClosedModelEngine(),
} satisfies Record<LoadPlan['model'], () => Engine>;

const INTERVAL_MS = 1000;

/** Loads the CSV feed and checks it has every column the templates read, before any traffic. */
function openFeed(data: NonNullable<ExecutionPlan['data']>): DataFeed {
  const feed = loadCsvFeed(data.file, data.order);
  const missing = data.columns.filter((c) => !feed.columns.includes(c));
  if (missing.length > 0) {
    throw new InputError(`${data.file}: no column ${missing.map((c) => `"${c}"`).join(', ')} (columns: ${feed.columns.join(', ')})`);
  }
  return feed;
}

/** Loads a scenario file (flags override its values) or builds one from flags alone. */
export async function resolvePlan(file: string | undefined, flags: RunFlags): Promise<ExecutionPlan> {
  if (file === undefined) return planScenario(validateScenario(adHocScenario(flags), '(command line)'));
  const loaded = await loadScenario(file, (data) => applyFlags(data, flags));
  return planScenario(loaded.config, loaded);
}

export interface RunOutcome {
  result: RunResult;
  exitCode: ExitCode;
}

function exitCodeOf(result: RunResult): ExitCode {
  if (result.interrupted) return ExitCode.Interrupted;
  return result.pass ? ExitCode.Pass : ExitCode.SloFailed;
}

/**
 * load → plan → execute → evaluate → report. `signal` is the user's stop (Ctrl-C): the run ends early,
 * and the result is still evaluated and written, marked interrupted.
 */
export async function executeRun(plan: ExecutionPlan, reporters: readonly Reporter[], signal: AbortSignal): Promise<RunOutcome> {
  const feed = plan.data && openFeed(plan.data);
  const demo: RunningDemo | undefined = plan.target.kind === 'demo' ? await startDemo(plan.target.demo) : undefined;
  try {
    const baseUrl = plan.target.kind === 'url' ? plan.target.url : (demo as RunningDemo).url;
    const targetDisplay = demo === undefined ? plan.targetDisplay : `${plan.targetDisplay} (${demo.url})`;
    return await drive(plan, { baseUrl, feed }, targetDisplay, reporters, signal);
  } finally {
    await demo?.stop();
  }
}

async function drive(
  plan: ExecutionPlan,
  context: Parameters<Engine['run']>[1],
  targetDisplay: string,
  reporters: readonly Reporter[],
  userStop: AbortSignal,
): Promise<RunOutcome> {
  const names = plan.requests.map((r) => r.name);
  const recorder = new IntervalRecorder(names);
  const aggregator = new RunAggregator(names);
  const stop = new AbortController();
  const onUserStop = (): void => stop.abort();
  userStop.addEventListener('abort', onUserStop, { once: true });
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  let abortedBy: string | null = null;
  for (const r of reporters) {
    await r.onStart?.({
      runId, scenario: plan.name, target: targetDisplay, model: plan.load.model,
      durationMs: plan.load.durationMs, requests: names, sloCount: plan.slos.length,
      requestMethods: Object.fromEntries(plan.requests.map((r) => [r.name, r.method])),
      serverUrl: redactUrl(context.baseUrl),
    });
  }
  const monitor = new SaturationMonitor().start();
  const live = new LiveSaturation().start();
  const t0 = performance.now();
  // Reporters see the raw interval synchronously (exporters keep their own totals from it), then it is reused.
  const publish = (elapsedMs: number): void => recorder.flush(elapsedMs, (interval) => {
    aggregator.add(interval);
    const point = aggregator.latest;
    if (point === undefined) return;
    const update = {
      elapsedMs, durationMs: plan.load.durationMs, point, totalRequests: aggregator.total.requests,
      totalErrors: aggregator.total.errors, totalDropped: aggregator.total.dropped, interval,
      verdicts: plan.slos.length > 0 ? evaluateSlos(plan.slos, metricSource(aggregator)) : [], generator: live.sample(),
    };
    for (const r of reporters) void r.onInterval?.(update);
  });
  const tick = (): void => {
    const elapsedMs = performance.now() - t0;
    publish(elapsedMs);
    const blown = slosToAbort(plan.slos, metricSource(aggregator), elapsedMs)[0];
    if (blown !== undefined && abortedBy === null) {
      abortedBy = blown.expr;
      stop.abort();
    }
  };
  const timer = setInterval(tick, INTERVAL_MS);
  try {
    await ENGINES[plan.load.model]().run(plan, context, recorder, stop.signal);
  } finally {
    clearInterval(timer);
    userStop.removeEventListener('abort', onUserStop);
  }
  publish(performance.now() - t0);
  live.stop();
  const generator = monitor.finish(plan.load.model, summarizeHistogram(aggregator.sendDelay).p99);
  const verdicts = evaluateSlos(plan.slos, metricSource(aggregator));
  const result = buildResult(
    { runId, version: VERSION, scenario: plan.name, target: targetDisplay, model: plan.load.model, startedAt,
      interrupted: userStop.aborted, abortedBy },
    aggregator, verdicts, generator,
  );
  for (const r of reporters) await r.onEnd(result);
  return { result, exitCode: exitCodeOf(result) };
}
