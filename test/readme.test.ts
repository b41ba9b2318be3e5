import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './support/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's scenario examples: every ```yaml block with a load section. */
const examples = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1] as string)
  .filter((text) => /^load:/m.test(text));

/** The commands a reader copies: every `npx backend-bench ...` line that names a shipped scenario. */
const shippedRuns = [...README.matchAll(/^npx backend-bench run (scenarios\/[\w.-]+\.yaml)/gm)].map(
  (m) => m[1] as string,
);

describe('README examples stay true', () => {
  it('has scenario examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(shippedRuns).toContain('scenarios/monolith.yaml');
  });

  examples.forEach((text, i) => {
    it(`scenario example ${i + 1} (${/^(\w+):/m.exec(text)?.[1] ?? '?'}...) validates`, async () => {
      const dir = tempDir();
      const file = join(dir, `readme-${i + 1}.yaml`);
      writeFileSync(file, text);
      // validate reads the data file as run does: give the example the one it names.
      const data = /data: \{ file: ([\w.-]+)/.exec(text)?.[1];
      if (data !== undefined) writeFileSync(join(dir, data), 'email\na@example.test\n');
      const run = await runCli(['validate', file], { env: { API_TOKEN: 'example-token' } });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  });

  it('every shipped scenario the README runs exists and validates', async () => {
    const run = await runCli(['validate', ...new Set(shippedRuns)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
