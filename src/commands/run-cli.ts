import { RunError } from '../errors.js';
import { closeReporters, createOutputs, endOfRunOutputs, type OutputFlags } from '../reporters/registry.js';
import { checkFilesWritten, checkStrictOutputs, OutputWarnings } from '../reporters/output-warnings.js';
import type { Reporter } from '../reporters/reporter.js';
import { TerminalReporter, colorEnabled } from '../reporters/terminal.js';
import { executeRun, resolvePlan } from './run.js';
import type { RunFlags } from './run-options.js';
import { interruptSignal } from './interrupt.js';
import { runScale } from './scale.js';

export interface RunCliOptions extends RunFlags, OutputFlags {
  quiet?: boolean;
  shard?: string;
  workers?: string;
  startAt?: string;
}

/** `run`: the terminal view and the outputs the flags ask for, around one execution of the plan. */
export async function runCommand(file: string | undefined, options: RunCliOptions): Promise<number> {
  const plan = await resolvePlan(file, options);
  const scale = runScale(file, options);
  const reporters: Reporter[] = [
    new TerminalReporter({
      progress: process.stderr,
      summary: process.stdout,
      color: colorEnabled(process.stdout),
      quiet: options.quiet,
    }),
  ];
  const interrupt = interruptSignal();
  try {
    const log = (line: string): void => void (options.quiet ? undefined : process.stderr.write(`${line}\n`));
    const warn = (line: string): void => void process.stderr.write(`${line}\n`);
    const warnings = new OutputWarnings(warn);
    const ctx = { signal: interrupt.signal, env: process.env, log, warn, warnings };
    reporters.push(...(await createOutputs(options, ctx)));
    let exitCode: number;
    let interrupted = false;
    let failure: string | undefined;
    try {
      const outcome = await executeRun(plan, reporters, interrupt.signal, scale, warnings, interrupt.hurry);
      interrupted = outcome.result.interrupted;
      failure = outcome.result.failure;
      exitCode = interrupted ? (interrupt.exitCode() ?? outcome.exitCode) : outcome.exitCode;
    } finally {
      await closeReporters(reporters);
    }
    // After the result is written: a result file that could not be written is exit 3, and any other output that
    // failed is exit 3 with --strict-outputs; neither hides a stop.
    if (!interrupted) checkFilesWritten(warnings, endOfRunOutputs());
    // Written and reported, but not carried out (a broker that never came back): exit 3, saying why on one line.
    if (!interrupted && failure !== undefined) throw new RunError(`the run could not be completed: ${failure}`);
    if (!interrupted) checkStrictOutputs(warnings.lines(), options.strictOutputs);
    return exitCode;
  } finally {
    interrupt.dispose();
  }
}
