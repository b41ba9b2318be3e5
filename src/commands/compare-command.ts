import type { Command } from 'commander';
import type { CompareOptions } from './compare.js';
import { collect, type SetExit, terminalColor } from './registration.js';

export function registerCompare(program: Command, setExit: SetExit): void {
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
    .option('--force', 'compare results of different scenarios or targets')
    .action(async (baseline: string, current: string, options: CompareOptions) => {
      const [{ compareCommand }, { Chalk }, color] = await Promise.all([
        import('./compare.js'),
        import('chalk'),
        terminalColor(),
      ]);
      const io = { write: (t: string) => process.stdout.write(t), color: new Chalk({ level: color ? 1 : 0 }) };
      setExit(await compareCommand(baseline, current, options, io));
    });
}
