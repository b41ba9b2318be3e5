import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';

describe('schema/scenario.schema.json (what editors use for completion)', () => {
  it('is what the zod schema exports today (regenerate with `npm run schema`)', async () => {
    const run = await runCli(['schema']);
    expect(run.code).toBe(0);
    const committed = readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8');
    expect(JSON.parse(committed), 'schema/scenario.schema.json is stale: run `npm run schema`').toEqual(
      JSON.parse(run.stdout),
    );
  });

  it('describes the three kinds of scenario', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'scenario.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['target', 'load', 'requests', 'flows', 'services', 'events', 'slos']),
    );
  });
});
