import type { Command } from 'commander';
import { endOfRunOutputs, type OutputFlags, STRICT_OUTPUTS_OPTION } from '../reporters/registry.js';
import { addOutputOptions, type SetExit, terminalColor, warnLine } from './registration.js';

/** `merge`: its output flags are those of the end-of-run outputs in the output registry. */
export function registerMerge(program: Command, setExit: SetExit): void {
  const merge = program
    .command('merge')
    .description(
      'merge the results of the shards of one run (run --shard i/n) into one result, and judge its SLOs once',
    )
    .argument('<results...>', 'shard result JSON files (run --out)');
  addOutputOptions(merge, endOfRunOutputs());
  merge.option('--allow-partial', 'merge an incomplete set of shards; the result is marked partial');
  merge.option(...STRICT_OUTPUTS_OPTION);
  merge.action(async (files: string[], options: OutputFlags & { allowPartial?: boolean }) => {
    const [{ mergeCommand }, { TerminalReporter }, { OutputWarnings, checkStrictOutputs }, color] = await Promise.all([
      import('./merge.js'),
      import('../reporters/terminal.js'),
      import('../reporters/output-warnings.js'),
      terminalColor(),
    ]);
    const terminal = new TerminalReporter({ progress: process.stderr, summary: process.stdout, color });
    const warnings = new OutputWarnings(warnLine);
    const outputs = { signal: new AbortController().signal, env: process.env, log: warnLine, warn: warnLine, warnings };
    const { exitCode } = await mergeCommand(files, options, terminal, outputs);
    checkStrictOutputs(warnings.lines(), options.strictOutputs);
    setExit(exitCode);
  });
}
