import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.js';
import { loadScenario } from './load.js';
import { planScenario } from './plan.js';

async function planFile(content: string): Promise<{ file: string; plan: () => unknown }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bb-names-')), 'scenario.yaml');
  writeFileSync(file, content);
  const loaded = await loadScenario(file);
  return { file, plan: () => planScenario(loaded.config, loaded) };
}

const events = (json: string, headers = '') => `
events:
  broker: demo
  queues:
    - name: orders
      queue: orders
      json: ${json}
${headers}load: { rate: 10, duration: 1s }
`;

describe('template names no value can reach', () => {
  it('{{row.x}} in an event message is refused with its file, line and field, before any connection', async () => {
    const { file, plan } = await planFile(events('{ id: "{{row.sku}}", n: "{{seq}}" }'));
    expect(plan).toThrow(ScenarioError);
    expect(plan).toThrow(`${file}:5:7 events.queues[0]: uses {{row.sku}}, but messages are not fed from a data file`);
  });

  it('names each column once, headers and key included, and leaves seq and the random helpers alone', async () => {
    const { plan } = await planFile(
      events('{ a: "{{row.a}}", b: "{{row.a}}-{{uuid}}" }', '      headers: { x-b: "{{row.b}}" }\n'),
    );
    let message = '';
    try {
      plan();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.match(/uses \{\{row\.a\}\}/g)).toHaveLength(1);
    expect(message).toContain('uses {{row.b}}');
    const ok = await planFile(events('{ id: "{{seq}}", r: "{{randomInt 1 9}}", s: "{{randomString 4}}" }'));
    expect(ok.plan).not.toThrow();
  });

  it('{{vars.x}} in an event message is refused as before', async () => {
    const { plan } = await planFile(events('{ id: "{{vars.token}}" }'));
    expect(plan).toThrow(/events\.queues\[0\]: uses \{\{vars\.token\}\}, but variables are only captured/);
  });
});
