import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Imports point one way (docs/architecture.md); these rules fail the build when one points back. */

const SRC = dirname(fileURLToPath(import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative module a file imports (static, re-export, side effect or dynamic), as a path under src/. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] as string,
  );
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(SRC, resolve(dirname(file), s))
        .split(sep)
        .join('/'),
    );
}

/** "file → import" for each import of a file under `layer` that lands in src/ but outside `allowed`. */
function violations(layer: string, allowed: (target: string) => boolean): string[] {
  return filesUnder(join(SRC, layer)).flatMap((file) =>
    importsOf(file, readFileSync(file, 'utf8'))
      .filter((target) => !target.startsWith('..') && !allowed(target))
      .map((target) => `${relative(SRC, file).split(sep).join('/')} → ${target}`),
  );
}

const inside =
  (...layers: string[]) =>
  (target: string) =>
    layers.some((l) => target.startsWith(`${l}/`));

describe('layering', () => {
  it('finds static, dynamic and re-export imports (so the rules below can fail)', () => {
    const file = join(SRC, 'scenario', 'x.ts');
    const text = [
      "import { a } from '../engines/schedule.js';",
      "import type { B } from './b.js';",
      "export { c } from '../metrics/c.js';",
      "const d = await import('../engines/event/d.js');",
      "import 'zod';",
    ].join('\n');
    expect(importsOf(file, text)).toEqual([
      'engines/schedule.js',
      'scenario/b.js',
      'metrics/c.js',
      'engines/event/d.js',
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
});
