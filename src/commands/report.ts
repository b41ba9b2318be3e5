import { ExitCode, InputError } from '../errors.js';
import { loadChartAssets } from '../reporters/html-assets.js';
import { formatHtml } from '../reporters/html.js';
import { formatJunit } from '../reporters/junit.js';
import { formatMarkdown } from '../reporters/markdown.js';
import { writeReport } from '../reporters/write-report.js';
import { readResultFile } from '../result/read-result.js';
import type { RunResult } from '../result/run-result.js';

/** Formats `report --format` knows, each from a saved result to text. */
export const REPORT_FORMATS = {
  md: (r) => formatMarkdown(r),
  junit: (r) => formatJunit(r),
  html: async (r) => formatHtml(r, await loadChartAssets()),
} satisfies Record<string, (result: RunResult) => string | Promise<string>>;

export type ReportFormat = keyof typeof REPORT_FORMATS;

/** Re-renders a saved JSON result. Rendering succeeded is all the exit code says: the gate was `run`'s. */
export async function reportCommand(
  file: string,
  options: { format: string; out?: string },
  stdout: { write(text: string): unknown },
): Promise<ExitCode> {
  if (!Object.hasOwn(REPORT_FORMATS, options.format)) {
    throw new InputError(`--format "${options.format}": expected one of ${Object.keys(REPORT_FORMATS).join(', ')}`);
  }
  const result = await readResultFile(file);
  const text = await REPORT_FORMATS[options.format as ReportFormat](result);
  if (options.out === undefined) stdout.write(text);
  else await writeReport(options.out, text);
  return ExitCode.Pass;
}
