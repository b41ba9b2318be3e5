import { Command, CommanderError } from 'commander';
import { registerCapacity } from './commands/capacity-command.js';
import { registerCompare } from './commands/compare-command.js';
import { registerDemo } from './commands/demo-command.js';
import { registerImport } from './commands/import-command.js';
import { registerK8s } from './commands/k8s-command.js';
import { registerMerge } from './commands/merge-command.js';
import type { RegisterCommand, SetExit } from './commands/registration.js';
import { registerPushgatewayDelete } from './commands/pushgateway-delete-command.js';
import { registerReport } from './commands/report-command.js';
import { registerRun } from './commands/run-command.js';
import { registerSchema } from './commands/schema-command.js';
import { registerValidate } from './commands/validate-command.js';
import { BenchError, ExitCode } from './errors.js';
import { VERSION } from './version.js';

/*
 * One registration per command (commands/<name>-command.ts): its options, help and action. Start-up stays fast
 * (`--help`, `validate`): each command's module, with the engines, reporters and broker clients it needs, is
 * imported by its action, only when that command runs.
 */

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerRun,
  registerCapacity,
  registerReport,
  registerCompare,
  registerMerge,
  registerK8s,
  registerPushgatewayDelete,
  registerValidate,
  registerImport,
  registerDemo,
  registerSchema,
];

export function buildProgram(setExit: SetExit): Command {
  const program = new Command('backend-bench')
    .description('Load testing with latency you can trust and SLO gates for CI')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`backend-bench: ${text.replace(/^error: /, '')}`) });
  for (const register of COMMANDS) register(program, setExit);
  return program;
}

/** The only place errors become exit codes. Returns the code; the bin sets process.exitCode. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Pass;
  const program = buildProgram((code) => (exitCode = code));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; a usage mistake is ours to number.
      return err.exitCode === 0 ? ExitCode.Pass : ExitCode.InvalidInput;
    }
    if (err instanceof BenchError) {
      process.stderr.write(`backend-bench: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    process.stderr.write(`backend-bench: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('run again with --debug for details\n');
    return ExitCode.RunFailed;
  }
}
