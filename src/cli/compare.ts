import type { Command } from 'commander';
import type { CompareOptions } from '../commands/compare.js';
import { type CliContext, collect } from './context.js';

export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command('compare')
    .description('compare a run against a baseline result; exit 1 when a figure regressed beyond its budget')
    .argument('<baseline>', 'baseline result JSON')
    .argument('<current>', 'current result JSON')
    .option(
      '--max-regression <metric=N%>',
      'budget override, e.g. p95=10%, error_rate=0.5%, rps=5%, p999=off, e2e_p99=10%, lost=0 (repeatable)',
      collect,
    )
    .option('--markdown <file>', 'also write the comparison as Markdown (for a PR comment)')
    .action(async (baseline: string, current: string, options: CompareOptions) => {
      const [{ compareCommand }, { Chalk }, color] = await Promise.all([
        import('../commands/compare.js'),
        import('chalk'),
        ctx.terminalColor(),
      ]);
      const io = { write: (t: string) => process.stdout.write(t), color: new Chalk({ level: color ? 1 : 0 }) };
      ctx.setExit(await compareCommand(baseline, current, options, io));
    });
}
