import type { ChalkInstance } from 'chalk';
import { ExitCode } from '../errors.js';
import { formatCompare, formatCompareMarkdown } from '../reporters/compare-table.js';
import { writeReport } from '../reporters/write-report.js';
import { type CompareMetric, compareResults, parseBudget, unmatchedScopes } from '../result/compare.js';
import { readResultFile } from '../result/read-result.js';

export interface CompareOptions {
  maxRegression?: string[];
  markdown?: string;
}

/** baseline vs current: prints the delta table; exit 1 when any figure regressed beyond its budget. */
export async function compareCommand(
  baselineFile: string,
  currentFile: string,
  options: CompareOptions,
  out: { write(text: string): unknown; color: ChalkInstance },
): Promise<ExitCode> {
  const overrides = new Map<CompareMetric, number | null>((options.maxRegression ?? []).map(parseBudget));
  const [baseline, current] = await Promise.all([readResultFile(baselineFile), readResultFile(currentFile)]);
  const rows = compareResults(baseline, current, overrides);
  const { onlyBaseline, onlyCurrent } = unmatchedScopes(baseline, current);
  const notes = [
    ...(onlyBaseline.length > 0 ? [`only in the baseline (not compared): ${onlyBaseline.join(', ')}`] : []),
    ...(onlyCurrent.length > 0 ? [`only in the current run (not compared): ${onlyCurrent.join(', ')}`] : []),
  ];
  const c = out.color;
  out.write(`${c.bold('baseline')} ${baselineFile} ${c.dim(`(run ${baseline.runId}, ${baseline.startedAt})`)}\n`);
  out.write(`${c.bold('current')}  ${currentFile} ${c.dim(`(run ${current.runId}, ${current.startedAt})`)}\n`);
  out.write(formatCompare(rows, c, notes));
  if (options.markdown !== undefined) await writeReport(options.markdown, formatCompareMarkdown(rows, notes));
  return rows.some((r) => r.regression) ? ExitCode.SloFailed : ExitCode.Pass;
}
