import { type Command, InvalidArgumentError, Option } from 'commander';
import { OUTPUTS, reportFormatOf, reportFormats } from '../reporters/registry.js';
import { type SetExit, warnLine } from './registration.js';

/** "Markdown, JUnit XML or HTML" */
function spokenList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** `report`: its formats are the outputs that can re-render a saved result. */
export function registerReport(program: Command, setExit: SetExit): void {
  const formats = reportFormats();
  // Help lists the current names; the parser also takes a deprecated alias (md), which the command warns about.
  const format = new Option('--format <format>', 'output format')
    .choices(formats)
    .argParser((value: string) => {
      if (reportFormatOf(value) === undefined)
        throw new InvalidArgumentError(`Allowed choices are ${formats.join(', ')}.`);
      return value;
    })
    .makeOptionMandatory();
  program
    .command('report')
    .description(
      `re-render a saved JSON result (from run --out) as ${spokenList(formats.map((f) => OUTPUTS[f].label))}`,
    )
    .argument('<result>', 'result JSON file')
    .addOption(format)
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (file: string, options: { format: string; out?: string }) => {
      const { reportCommand } = await import('./report.js');
      const io = { write: (t: string) => process.stdout.write(t), warn: warnLine };
      setExit(await reportCommand(file, options, io));
    });
}
