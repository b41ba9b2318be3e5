import type { Command } from 'commander';
import { OUTPUTS, type OutputName } from '../reporters/registry.js';

/** Where an action puts its exit code; main() returns it once commander is done. */
export type SetExit = (code: number) => void;

/**
 * Adds one command to the program: its options, help, and an action that imports the command's module only when
 * it runs (so `--help` and `validate` start fast). cli.ts lists one per command.
 */
export type RegisterCommand = (program: Command, setExit: SetExit) => void;

/** commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** One line on stderr: a problem that does not stop the command. */
export const warnLine = (line: string): void => void process.stderr.write(`${line}\n`);

/** Whether stdout takes colour; imports the terminal reporter, so only actions call it. */
export async function terminalColor(): Promise<boolean> {
  const { colorEnabled } = await import('../reporters/terminal.js');
  return colorEnabled(process.stdout);
}

/**
 * What the load is: a scenario file, or one ad-hoc request (where, which method, headers, body). `run` and
 * `capacity` take the same input and apply it through the same run-options code, so it is declared once and
 * their help cannot drift apart.
 */
export function addScenarioInput(command: Command): Command {
  return command
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--url <url>', 'target URL (ad-hoc test), or base URL overriding the scenario target')
    .option('--method <method>', 'HTTP method for every request')
    .option('--header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('--body <body>', 'request body');
}

/** The flags of the named outputs (by default every one), spelled as the output registry spells them. */
export function addOutputOptions(
  command: Command,
  names: Iterable<OutputName> = Object.keys(OUTPUTS) as OutputName[],
): Command {
  for (const name of names) for (const [flags, help] of OUTPUTS[name].options) command.option(flags, help);
  return command;
}
