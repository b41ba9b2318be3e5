import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.js';
import { loadScenario } from './load.js';
import { planScenario } from './plan.js';

async function planFile(content: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'bb-checks-')), 'scenario.yaml');
  writeFileSync(path, content);
  const loaded = await loadScenario(path);
  return planScenario(loaded.config, loaded);
}

describe('response checks in a plan', () => {
  it('compiles each JSONPath once, keeping bare dot paths working', async () => {
    const plan = await planFile(`
target: http://127.0.0.1:1
load: { connections: 1, duration: 1s }
requests:
  - path: /
    checks:
      - { jsonPath: id, exists: true }
      - { jsonPath: "$.items[?@.price > 10].id", equals: 2 }
      - { header: x-a, exists: true }
`);
    const [byDot, byFilter, byHeader] = plan.requests[0]!.checks;
    const doc = {
      id: 'x',
      items: [
        { id: 1, price: 1 },
        { id: 2, price: 20 },
      ],
    };
    expect(byDot?.jsonPath?.first(doc)).toBe('x');
    expect(byFilter?.jsonPath?.first(doc)).toBe(2);
    expect(byHeader?.jsonPath).toBeUndefined();
  });

  it('refuses a JSONPath that can never match, at file:line:col and its field, before any traffic', async () => {
    const scenario = `
target: http://127.0.0.1:1
load: { connections: 1, duration: 1s }
requests:
  - path: /
  - path: /b
    checks:
      - { jsonPath: id, exists: true }
      - jsonPath: "$.items[?@.price >]"
        exists: true
`;
    const error = await planFile(scenario).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems).toEqual([
      expect.stringMatching(/scenario\.yaml:9:19 requests\[1\]\.checks\[1\]\.jsonPath: not a valid JSONPath: .+/),
    ]);
    expect((error as ScenarioError).exitCode).toBe(2);
  });
});
