import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { SetExit } from './registration.js';

export function registerSchema(program: Command, setExit: SetExit): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action(async (options: { out?: string }) => {
      const { scenarioJsonSchema } = await import('../scenario/schema.js');
      const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else await writeFile(options.out, text);
      setExit(ExitCode.Pass);
    });
}
