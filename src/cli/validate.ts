import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check scenario files without sending any traffic')
    .argument('<files...>', 'scenario files')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('../commands/validate.js');
      ctx.setExit(await validateCommand(files));
    });
}
