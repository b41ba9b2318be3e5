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

/** Ctrl-C: the first stops the run gracefully (the result is still written); a second one exits at once. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.Interrupted);
    process.stderr.write('\nstopping… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
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
      return (await executeRun(plan, reporters, interrupt.signal, scale, warn)).exitCode;
    } finally {
      await closeReporters(reporters);
    }
  } finally {
    interrupt.dispose();
  }
}
