import type { Command } from 'commander';
import { OUTPUTS, type OutputName } from '../reporters/registry.js';
import { collect } from './registration.js';

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
