import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Imports point one way (docs/architecture.md); these rules fail the build when one points back. */

const SRC = dirname(fileURLToPath(import.meta.url));

interface Import {
  /** The module as a path under src/ ("engines/schedule.js"); outside src/ it starts with "..". */
  target: string;
  /** Loaded when the importing module loads: neither `import type` nor `await import()`. */
  eager: boolean;
}

const IMPORT =
  /^\s*(?:import|export)\s+(type\s)?[^;'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm;

/** Every relative module a file imports: static, type-only, re-export, side effect or dynamic. */
function importsOf(file: string, text: string): Import[] {
  return [...text.matchAll(IMPORT)].flatMap((m) => {
    const specifier = m[2] ?? m[3] ?? m[4];
    if (specifier === undefined || !specifier.startsWith('.')) return [];
    const target = relative(SRC, resolve(dirname(file), specifier))
      .split(sep)
      .join('/');
    return [{ target, eager: m[1] === undefined && m[4] === undefined }];
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** "file → import" for each import of a file under `layer` that lands in src/ but not where `allowed` says. */
function violations(layer: string, allowed: (target: string) => boolean): string[] {
  return filesUnder(join(SRC, layer)).flatMap((file) =>
    importsOf(file, readFileSync(file, 'utf8'))
      .filter((i) => !i.target.startsWith('..') && !allowed(i.target))
      .map((i) => `${relative(SRC, file).split(sep).join('/')} → ${i.target}`),
  );
}

/** The src/ modules that loading `entry` loads: its eager imports, followed transitively. */
function eagerGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (module: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    const file = join(SRC, module.replace(/\.js$/, '.ts'));
    for (const i of importsOf(file, readFileSync(file, 'utf8'))) {
      if (i.eager && !i.target.startsWith('..')) visit(i.target);
    }
  };
  visit(entry);
  return [...seen].sort();
}

const inside =
  (...layers: string[]) =>
  (target: string): boolean =>
    layers.some((l) => target.startsWith(`${l}/`));

describe('layering', () => {
  it('finds static, type-only, re-export, side-effect and dynamic imports (so the rules below can fail)', () => {
    const text = [
      "import { a } from '../engines/schedule.js';",
      "import type { B } from './b.js';",
      "export { c } from '../metrics/c.js';",
      "const d = await import('../engines/event/d.js');",
      "import './e.js';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(join(SRC, 'scenario', 'x.ts'), text)).toEqual([
      { target: 'engines/schedule.js', eager: true },
      { target: 'scenario/b.js', eager: false },
      { target: 'metrics/c.js', eager: true },
      { target: 'engines/event/d.js', eager: false },
      { target: 'scenario/e.js', eager: true },
    ]);
  });

  it('src/scenario imports nothing from src/engines', () => {
    expect(violations('scenario', (t) => !t.startsWith('engines/'))).toEqual([]);
  });

  it('src/engines imports no reporter', () => {
    expect(violations('engines', (t) => !t.startsWith('reporters/'))).toEqual([]);
  });

  it('src/metrics imports nothing else from src', () => {
    expect(violations('metrics', inside('metrics'))).toEqual([]);
  });

  it('src/brokers (the neutral broker catalogue) imports nothing else from src', () => {
    expect(violations('brokers', inside('brokers'))).toEqual([]);
  });

  it('starting the CLI (--help, validate) loads no command, engine, result or reporter implementation', () => {
    const loaded = eagerGraph('cli.js');
    expect(loaded).toContain('reporters/registry.js');
    // Registrations and the output registry only; what they name is imported by the action that needs it.
    const light =
      /^(commands\/([\w-]+-command|registration)|reporters\/(registry|live-outputs|prometheus\/listen-address))\.js$/;
    const heavy = loaded.filter((m) => /^(commands|engines|result|slo|metrics|reporters)\//.test(m) && !light.test(m));
    expect(heavy).toEqual([]);
  });
});
