import type { ChalkInstance } from 'chalk';
import { ExitCode, InputError } from '../errors.js';
import { formatCompare, formatCompareMarkdown } from '../reporters/compare-table.js';
import { writeReport } from '../reporters/write-report.js';
import { type CompareMetric, compareResults, latencyFloorMs, parseBudget, unmatchedScopes } from '../result/compare.js';
import { sloChanges } from '../result/compare-slos.js';
import { readResultFile } from '../result/read-result.js';
import type { RunResult } from '../result/run-result.js';

export interface CompareOptions {
  maxRegression?: string[];
  markdown?: string;
  force?: boolean;
}

/** A demo's URL changes with every run (a free port): the demo's name is its identity. */
const targetIdentity = (target: string): string => target.replace(/^(demo:\S+) \(.*\)$/, '$1');

/** Two results of different scenarios or targets compare apples with pears: refused unless --force. */
function checkComparable(a: { file: string; result: RunResult }, b: { file: string; result: RunResult }): void {
  for (const [what, read] of [
    ['scenario', (r: RunResult) => r.scenario],
    ['target', (r: RunResult) => targetIdentity(r.target)],
  ] as const) {
    if (read(a.result) !== read(b.result)) {
      throw new InputError(
        `${a.file} and ${b.file} are runs of different ${what}s ("${read(a.result)}" and "${read(b.result)}"); compare them anyway with --force`,
      );
    }
  }
}

/**
 * baseline vs current: prints each change with its interval and verdict; exit 1 when a figure regressed (beyond
 * its budget and statistically real).
 */
export async function compareCommand(
  baselineFile: string,
  currentFile: string,
  options: CompareOptions,
  out: { write(text: string): unknown; color: ChalkInstance },
): Promise<ExitCode> {
  const overrides = new Map<CompareMetric, number | null>((options.maxRegression ?? []).map(parseBudget));
  const [baseline, current] = await Promise.all([readResultFile(baselineFile), readResultFile(currentFile)]);
  if (options.force !== true)
    checkComparable({ file: baselineFile, result: baseline }, { file: currentFile, result: current });
  const rows = compareResults(baseline, current, overrides);
  const { onlyBaseline, onlyCurrent } = unmatchedScopes(baseline, current);
  const saturated = [
    ...(baseline.generator.saturated ? [`the baseline (${baseline.generator.reasons.join('; ')})`] : []),
    ...(current.generator.saturated ? [`the current run (${current.generator.reasons.join('; ')})`] : []),
  ];
  const notes = [
    ...(saturated.length > 0
      ? [
          `the load generator was saturated in ${saturated.join(' and in ')}: a latency change smaller than its ` +
            `send delay at the same percentile plus its event-loop delay p99 ` +
            `(p50 ${latencyFloorMs(baseline, current, 'p50')} ms) is within noise`,
        ]
      : []),
    ...(onlyBaseline.length > 0 ? [`only in the baseline (not compared): ${onlyBaseline.join(', ')}`] : []),
    ...(onlyCurrent.length > 0 ? [`only in the current run (not compared): ${onlyCurrent.join(', ')}`] : []),
  ];
  const c = out.color;
  out.write(`${c.bold('baseline')} ${baselineFile} ${c.dim(`(run ${baseline.runId}, ${baseline.startedAt})`)}\n`);
  out.write(`${c.bold('current')}  ${currentFile} ${c.dim(`(run ${current.runId}, ${current.startedAt})`)}\n`);
  const slos = sloChanges(baseline, current);
  out.write(formatCompare(rows, c, notes, slos));
  if (options.markdown !== undefined) await writeReport(options.markdown, formatCompareMarkdown(rows, notes, slos));
  return rows.some((r) => r.regression) ? ExitCode.SloFailed : ExitCode.Pass;
}
