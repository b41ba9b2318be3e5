import type { Command } from 'commander';
import type { SetExit } from './registration.js';

export function registerValidate(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .description('check scenario files without sending any traffic')
    .argument('<files...>', 'scenario files')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./validate.js');
      setExit(await validateCommand(files));
    });
}
