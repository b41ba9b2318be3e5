/**
 * `capacity`: the highest open-model rate at which every SLO holds. Glue only: each step is one ordinary run
 * (executeRun) at a fixed rate, listened to by a StepProbe; the search (src/capacity/search.ts) decides the rates.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { capacitySection, type CapacitySection, type CapacityUnit } from '../capacity/capacity-result.js';
import { fmtHeldRate, formatCapacity, VERDICT_TEXT } from '../capacity/format.js';
import { fmtMsUnit, fmtRate } from '../reporters/format.js';
import { capacityHtml } from '../capacity/html.js';
import { searchCapacity } from '../capacity/search.js';
import { type CapacityStep, judgeStep } from '../capacity/step.js';
import { StepProbe } from '../capacity/step-probe.js';
import { underSearchRunId } from '../capacity/search-run-id.js';
import { ExitCode, InputError } from '../errors.js';
import { closeReporters, createOutputs } from '../reporters/registry.js';
import type { Reporter } from '../reporters/reporter.js';
import { writeReport } from '../reporters/write-report.js';
import type { RunResult } from '../result/run-result.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { type CapacityFlags, type CapacitySettings, parseCapacityFlags } from './capacity-options.js';
import { executeRun, resolvePlan } from './run.js';
import type { RunFlags } from './run-options.js';
import { parseWorkers } from './scale.js';
import { OutputWarnings } from '../reporters/output-warnings.js';

/** A capacity search's JSON result: the run at the capacity (its last passing step) and the search. */
export type CapacityResult = RunResult & { capacity: CapacitySection };

export interface CapacityIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

/** What each step runs with besides its plan: its workers, and the live exporters that follow the search. */
interface StepContext {
  workers: number | undefined;
  live: readonly Reporter[];
}

const unitOf = (plan: ExecutionPlan): CapacityUnit =>
  plan.events !== undefined ? 'messages/s' : plan.flows !== undefined ? 'iterations/s' : 'requests/s';

/** The line printed as each step ends (stderr), with the figures as the step table shows them. */
function stepLine(n: number, s: CapacityStep, unit: string): string {
  const reasons = s.verdict === 'generator' ? s.generator.reasons.join('; ') : s.failed.join(', ');
  const why = reasons.length > 0 ? ` (${reasons})` : '';
  const lag = s.lag === undefined ? '' : ` · lag ${s.lag.start} → ${s.lag.end}`;
  const achieved = fmtRate(s.achievedRate);
  return `step ${n}: ${fmtHeldRate(s.rate)} ${unit} → achieved ${achieved} · p95 ${s.latencyMs.max > 0 ? fmtMsUnit(s.latencyMs.p95) : '— (no answers)'}${lag} · ${VERDICT_TEXT[s.verdict]}${why}\n`;
}

/** Holds one rate as an ordinary run, and judges it over the seconds after the warm-up. */
function stepRunner(
  file: string | undefined,
  runFlags: RunFlags,
  settings: CapacitySettings,
  context: StepContext,
  io: CapacityIo,
  results: Map<CapacityStep, RunResult>,
): (rate: number) => Promise<CapacityStep> {
  let n = 0;
  return async (rate) => {
    const flags: RunFlags = {
      ...runFlags,
      rate: String(rate),
      duration: `${settings.warmupMs + settings.stepDurationMs}ms`,
    };
    const plan = await resolvePlan(file, flags);
    const probe = new StepProbe(settings.warmupMs);
    const { workers, live } = context;
    const scale = { ...(workers !== undefined && { workers }), source: { file, flags } };
    const { result } = await executeRun(plan, [probe, ...live], io.signal, scale);
    const step = judgeStep({
      rate,
      slos: plan.slos,
      probe,
      result,
      warmupMs: settings.warmupMs,
      stepDurationMs: settings.stepDurationMs,
      lagTolerance: settings.lagTolerance,
    });
    results.set(step, result);
    if (!settings.quiet) io.err.write(stepLine(++n, step, unitOf(plan)));
    return step;
  };
}

/** --prometheus / --pushgateway / --otlp: made once, shown every step under the search's run id, closed at the end. */
async function withLiveOutputs<T>(
  flags: CapacityFlags,
  io: CapacityIo,
  search: (live: readonly Reporter[]) => Promise<T>,
): Promise<T> {
  const line = (text: string): void => void io.err.write(`${text}\n`);
  const warnings = new OutputWarnings(line);
  const ctx = { signal: io.signal, env: io.env, log: flags.quiet ? () => undefined : line, warn: line, warnings };
  const outputs = await createOutputs(flags, ctx, ['prometheus', 'otlp']);
  const runId = randomUUID().slice(0, 8);
  try {
    return await search(outputs.map((r) => underSearchRunId(r, runId)));
  } finally {
    await closeReporters(outputs);
  }
}

function exitCode(c: CapacitySection, interrupted: boolean, min: number | undefined): ExitCode {
  if (interrupted) return ExitCode.Interrupted;
  if (min !== undefined && (c.rate === null || c.rate < min)) return ExitCode.SloFailed;
  return ExitCode.Pass;
}

export async function capacityCommand(
  file: string | undefined,
  options: CapacityFlags,
  io: CapacityIo,
): Promise<number> {
  const { runFlags, settings } = parseCapacityFlags(options);
  const workers = options.workers === undefined ? undefined : parseWorkers(options.workers);
  // Planned once before any traffic: a bad scenario or SLO is exit 2 here, not after the first step.
  const plan = await resolvePlan(file, { ...runFlags, rate: String(settings.search.start), duration: '1s' });
  if (plan.slos.length === 0 && plan.events === undefined) {
    throw new InputError('capacity needs at least one SLO to search against (--slo, or slos: in the scenario)');
  }
  if (!settings.quiet && plan.slos.length > 0 && plan.slos.every((s) => s.default === true)) {
    io.err.write(`no SLOs given: searching against the default budget (${plan.slos.map((s) => s.expr).join(', ')})\n`);
  }
  const unit = unitOf(plan);
  const results = new Map<CapacityStep, RunResult>();
  const outcome = await withLiveOutputs(options, io, async (live) => {
    const run = stepRunner(file, runFlags, settings, { workers, live }, io, results);
    const t0 = performance.now();
    return searchCapacity(settings.search, run, {
      now: () => performance.now() - t0,
      stopped: () => io.signal.aborted,
    });
  });
  const section = capacitySection(outcome, unit, {
    ...settings.search,
    stepDurationMs: settings.stepDurationMs,
    warmupMs: settings.warmupMs,
  });
  const title = `capacity of ${plan.name} → ${plan.targetDisplay}`;
  io.out.write(formatCapacity(section, title));
  const at = outcome.lastPass ?? outcome.steps[0];
  const base = at === undefined ? undefined : results.get(at);
  if (options.out !== undefined && base !== undefined) {
    const doc: CapacityResult = { ...base, capacity: section };
    await writeReport(options.out, `${JSON.stringify(doc, null, 2)}\n`);
  }
  if (options.html !== undefined) await writeReport(options.html, capacityHtml(section, title));
  return exitCode(section, io.signal.aborted, settings.min);
}
