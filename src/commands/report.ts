import { ExitCode, InputError } from '../errors.js';
import { DEPRECATED_FORMATS, OUTPUTS, reportFormatOf, reportFormats } from '../reporters/registry.js';
import { writeReport } from '../reporters/write-report.js';
import { readResultFile } from '../result/read-result.js';

export interface ReportIo {
  write(text: string): unknown;
  /** A note that does not stop the rendering (a deprecated format name), on stderr. */
  warn(line: string): void;
}

/** Re-renders a saved JSON result. Rendering succeeded is all the exit code says: the gate was `run`'s. */
export async function reportCommand(
  file: string,
  options: { format: string; out?: string },
  io: ReportIo,
): Promise<ExitCode> {
  const format = reportFormatOf(options.format);
  if (format === undefined) {
    throw new InputError(`--format "${options.format}": expected one of ${reportFormats().join(', ')}`);
  }
  if (Object.hasOwn(DEPRECATED_FORMATS, options.format)) {
    io.warn(`backend-bench: --format ${options.format} is deprecated; use --format ${format}`);
  }
  const result = await readResultFile(file);
  const text = await OUTPUTS[format].rerender(result);
  if (options.out === undefined) io.write(text);
  else await writeReport(options.out, text);
  return ExitCode.Pass;
}
