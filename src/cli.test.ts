import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './cli.js';
import { endOfRunOutputs, OUTPUTS } from './reporters/registry.js';

function longFlags(program: Command, name: string): string[] {
  const command = program.commands.find((c) => c.name() === name);
  return (command?.options ?? []).map((o) => o.long ?? '');
}

const flagsOf = (names: readonly (keyof typeof OUTPUTS)[]): string[] =>
  names.flatMap((n) => OUTPUTS[n].options.map(([flags]) => flags.split(' ')[0] as string));

describe('CLI program', () => {
  const program = buildProgram(() => undefined);

  it('lists the commands in the order help shows them', () => {
    expect(program.commands.map((c) => c.name())).toEqual([
      'run',
      'capacity',
      'report',
      'compare',
      'merge',
      'k8s',
      'pushgateway-delete',
      'validate',
      'import',
      'demo',
      'schema',
    ]);
  });

  it('gives merge the flags of the end-of-run outputs of the registry, and no live one', () => {
    const outputs = flagsOf(endOfRunOutputs());
    expect(outputs).toEqual(['--out', '--junit', '--markdown', '--html']);
    // Its outputs are the registry's end-of-run ones; anything else is merge's own (not an output).
    expect(longFlags(program, 'merge').filter((f) => !outputs.includes(f))).toEqual([
      '--allow-partial',
      '--strict-outputs',
    ]);
    for (const flag of outputs) expect(longFlags(program, 'merge')).toContain(flag);
  });

  it('gives run the flags of every output', () => {
    const run = longFlags(program, 'run');
    for (const flag of flagsOf(Object.keys(OUTPUTS) as (keyof typeof OUTPUTS)[])) expect(run).toContain(flag);
  });

  it('offers report the re-renderable formats by their one name', () => {
    const report = program.commands.find((c) => c.name() === 'report');
    const format = report?.options.find((o) => o.long === '--format');
    expect(format?.argChoices).toEqual(['json', 'junit', 'markdown', 'html']);
  });
});
