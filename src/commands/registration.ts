import type { Command } from 'commander';

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
