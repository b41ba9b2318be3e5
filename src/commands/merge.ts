import { randomUUID } from 'node:crypto';
import type { ExitCode } from '../errors.js';
import { InputError } from '../errors.js';
import { createOutputs, endOfRunOutputs, type OutputContext, type OutputFlags } from '../reporters/registry.js';
import type { Reporter } from '../reporters/reporter.js';
import { checkMergeable, type MergeInput } from '../result/merge-check.js';
import { mergeResults } from '../result/merge-results.js';
import { readResultFile } from '../result/read-result.js';
import type { RunResult, SloSpecRecord } from '../result/run-result.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { parseThreshold, type SloSpec } from '../slo/parse.js';
import { VERSION } from '../version.js';
import { exitCodeOf } from './run.js';
import { perSecond } from '../slo/window-evaluate.js';
import { hasWindowedSlo } from '../slo/window.js';

/** The stored specs parsed again, so the merged result is judged by the same rules as each shard was. */
function parseSpecs(records: readonly SloSpecRecord[], file: string): SloSpec[] {
  return records.map((r) => {
    try {
      return { ...parseThreshold(r.expr), abortOnFail: r.abortOnFail, graceMs: r.graceMs, minSamples: r.minSamples };
    } catch (err) {
      throw new InputError(`${file}: SLO "${r.expr}": ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

/**
 * shard results → one result: checks they are parts of one run, merges them exactly, judges the SLOs once
 * on the merged figures, and hands the result to the terminal summary and the file outputs asked for.
 * Ends as `run` would: 0 when every SLO passes, 1 when one fails.
 */
export async function mergeCommand(
  files: readonly string[],
  flags: OutputFlags & { allowPartial?: boolean },
  terminal: Reporter,
  ctx: OutputContext,
): Promise<{ result: RunResult; exitCode: ExitCode }> {
  const inputs: MergeInput[] = await Promise.all(
    files.map(async (file) => ({ file, result: await readResultFile(file) })),
  );
  const { specs, warnings, partial } = checkMergeable(inputs, { allowPartial: flags.allowPartial === true });
  for (const w of warnings) ctx.warn(`backend-bench: ${w}`);
  const slos = parseSpecs(specs, (inputs[0] as MergeInput).file);
  const merged = mergeResults(
    inputs.map((i) => i.result),
    { runId: randomUUID().slice(0, 8), version: VERSION },
  );
  const seconds = hasWindowedSlo(slos) ? perSecond(merged.timeseries, merged.histograms.timeseries) : undefined;
  const verdicts = evaluateSlos(slos, { global: merged.metrics, scopes: { request: merged.byRequest }, seconds });
  const result: RunResult = {
    ...merged,
    pass: verdicts.every((v) => v.pass),
    slos: verdicts,
    ...(partial && { partial: true as const }),
  };
  // The end-of-run outputs only: live ones (/metrics, OTLP) have no run to watch here.
  const reporters: Reporter[] = [terminal, ...(await createOutputs(flags, ctx, endOfRunOutputs()))];
  for (const r of reporters) await r.onEnd(result);
  return { result, exitCode: exitCodeOf(result) };
}
