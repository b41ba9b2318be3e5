import { ExitCode } from '../errors.js';
import { closeReporters, createOutputs, type OutputFlags } from '../reporters/registry.js';
import type { Reporter } from '../reporters/reporter.js';
import { TerminalReporter, colorEnabled } from '../reporters/terminal.js';
import { executeRun, resolvePlan } from './run.js';
import type { RunFlags } from './run-options.js';
import { runScale } from './scale.js';

export interface RunCliOptions extends RunFlags, OutputFlags {
  quiet?: boolean;
  shard?: string;
  workers?: string;
  startAt?: string;
}

/** How a signal stops a run: which one came first decides the exit code (SIGINT 130, SIGTERM 143). */
interface Interrupt {
  /** The first signal: the run stops, drains briefly, and its result is written. */
  signal: AbortSignal;
  /** The second: the drain is not waited for; what the result already holds is written at once. */
  hurry: AbortSignal;
  exitCode(): ExitCode | undefined;
  dispose(): void;
}

/** Ctrl-C or SIGTERM: the first stops gracefully; a second writes what is held at once; a third quits outright. */
function interruptSignal(): Interrupt {
  const stop = new AbortController();
  const hurry = new AbortController();
  let code: ExitCode | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (hurry.signal.aborted) process.exit(code ?? ExitCode.Interrupted);
    if (stop.signal.aborted) {
      process.stderr.write('\nwriting the result as it stands… (again to quit at once)\n');
      return hurry.abort();
    }
    code = name === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    process.stderr.write('\nstopping… (Ctrl-C again to write the result at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    hurry: hurry.signal,
    exitCode: () => code,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
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
    reporters.push(...(await createOutputs(options, { signal: interrupt.signal, env: process.env, log, warn })));
    try {
      const outcome = await executeRun(plan, reporters, interrupt.signal, scale, warn, interrupt.hurry);
      return outcome.result.interrupted ? (interrupt.exitCode() ?? outcome.exitCode) : outcome.exitCode;
    } finally {
      await closeReporters(reporters);
    }
  } finally {
    interrupt.dispose();
  }
}
