import type { Command } from 'commander';

/** What main() lends each command's registration: where the exit code goes, and the terminal's ways. */
export interface CliContext {
  /** The action's exit code; main() returns it once commander is done. */
  setExit(code: number): void;
  /** One line on stderr: a problem that does not stop the command. */
  warn(line: string): void;
  /** Whether stdout takes colour; imports the terminal reporter, so only actions call it. */
  terminalColor(): Promise<boolean>;
}

/** Adds one command (its options, help and lazy action) to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The context main() uses: process streams and environment. */
export function processContext(setExit: (code: number) => void): CliContext {
  return {
    setExit,
    warn: (line) => void process.stderr.write(`${line}\n`),
    terminalColor: async () => {
      const { colorEnabled } = await import('../reporters/terminal.js');
      return colorEnabled(process.stdout);
    },
  };
}
