import { Option, type Command } from 'commander';
import type { HarFlags, OpenApiFlags } from './import.js';
import { collect, warnLine, type SetExit } from './registration.js';

/** `import openapi` and `import har`; the work is in ./import.ts. */
export function registerImport(program: Command, setExit: SetExit): void {
  const io = { write: (text: string): void => void process.stdout.write(text), warn: warnLine };
  const command = program
    .command('import')
    .description('write a scenario from what you already have: an OpenAPI document or a browser recording (HAR)');

  command
    .command('openapi')
    .description('one request per operation of an OpenAPI 3.0/3.1 or Swagger 2.0 document')
    .argument('<spec>', 'spec file (YAML or JSON), or a URL on 127.0.0.1 / ::1 / localhost')
    .option('--out <file>', 'write the scenario here (default: stdout)')
    .option('--tag <tag>', 'only operations with this tag (repeatable)', collect)
    .option('--path <regex>', 'only operations whose path matches')
    .option('--operation <id>', 'only this operationId (repeatable)', collect)
    .option('--include-deletes', 'also import DELETE operations (left out by default)')
    .option('--base-url <url>', "target URL (default: the document's first server)")
    .addOption(new Option('--demo <name>', 'send to an embedded demo instead of a URL').choices(['monolith']))
    .action(async (spec: string, flags: OpenApiFlags) => {
      const { importOpenApiCommand } = await import('./import.js');
      setExit(await importOpenApiCommand(spec, flags, io));
    });

  command
    .command('har')
    .description('one flow from a browser recording: a step per API request, server-issued ids correlated')
    .argument('<file>', 'HAR file (devtools: "Save all as HAR")')
    .option('--out <file>', 'write the scenario here (default: stdout)')
    .option('--include <regex>', 'also keep requests whose URL matches (repeatable)', collect)
    .option('--exclude <regex>', 'leave out requests whose URL matches (repeatable)', collect)
    .action(async (file: string, flags: HarFlags) => {
      const { importHarCommand } = await import('./import.js');
      setExit(await importHarCommand(file, flags, io));
    });
}
