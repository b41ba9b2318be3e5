import { RunError } from '../errors.js';

interface Failure {
  first: string;
  count: number;
}

/**
 * Problems the outputs met: a failed OTLP export, Pushgateway push or /metrics bind. The verdict stands on the
 * load alone, so by default such a problem is a warning: printed when it happens, listed in the summary and in the
 * result's `warnings`; `--strict-outputs` makes it exit 3. An exporter that fails every few seconds against a
 * collector that is down is one warning with a count, not a line per attempt.
 */
export class OutputWarnings {
  private readonly byOutput = new Map<string, Failure>();

  constructor(private readonly print: (line: string) => void = () => undefined) {}

  /** `output` names who failed (otlp, pushgateway, prometheus, json...); `message` says what happened. */
  add(output: string, message: string): void {
    const seen = this.byOutput.get(output);
    if (seen !== undefined) {
      seen.count += 1;
      return;
    }
    this.byOutput.set(output, { first: message, count: 1 });
    this.print(`backend-bench: warning: ${output}: ${message}`);
  }

  /** The outputs that failed, by name. */
  failed(): string[] {
    return [...this.byOutput.keys()];
  }

  get size(): number {
    return this.byOutput.size;
  }

  /** One line per output that failed: "otlp: export to ... failed: ECONNREFUSED (3 times)". */
  lines(): string[] {
    return [...this.byOutput].map(
      ([output, f]) => `${output}: ${f.first}${f.count > 1 ? ` (failed ${f.count} times)` : ''}`,
    );
  }
}

/** `--strict-outputs`: an output that failed fails the command (exit 3), after every output has had its turn. */
export function checkStrictOutputs(warnings: readonly string[] | undefined, strict: boolean | undefined): void {
  if (strict !== true || warnings === undefined || warnings.length === 0) return;
  const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : '';
  throw new RunError(`--strict-outputs: an output failed: ${warnings[0]}${more}`);
}

/**
 * A result file that could not be written (--out, --junit, --markdown, --html) is the run's own record lost, not an
 * exporter's hiccup: it fails the command (exit 3) whatever --strict-outputs says, after every output had its turn.
 */
export function checkFilesWritten(warnings: OutputWarnings, fileOutputs: readonly string[]): void {
  const lost = warnings.failed().filter((name) => fileOutputs.includes(name));
  if (lost.length === 0) return;
  throw new RunError(`the ${lost.join(', ')} output could not be written (the warning above says why)`);
}
