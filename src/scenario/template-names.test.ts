import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

  it('a WebSocket send step: {{row.x}} and {{vars.x}} are refused with the step (they ended in a stack trace)', async () => {
    const ws = (text: string) => `
target: { demo: websocket }
load: { connections: 1, duration: 1s }
websocket:
  steps:
    - pause: 10ms
    - send: { json: { say: "${text}" } }
`;
    const row = await planFile(ws('hi {{row.who}}'));
    expect(row.plan).toThrow(
      `${row.file}:7:7 websocket.steps[1]: uses {{row.who}}, but WebSocket messages are not fed`,
    );
    const vars = await planFile(ws('hi {{vars.who}}'));
    expect(vars.plan).toThrow(/websocket\.steps\[1\]: uses \{\{vars\.who\}\}, but variables are only captured/);
    expect((await planFile(ws('hi {{seq}}'))).plan).not.toThrow();
  });

  it('a gRPC message or metadata: {{row.x}} needs a data file, {{vars.x}} is refused (they failed every call)', async () => {
    const proto = resolve('scenarios/protos/shop.proto');
    const grpc = (message: string, metadata = '{}') => `
target: { demo: grpc, proto: ${proto} }
load: { rate: 10, duration: 1s }
requests:
  - call: shop.Inventory/GetItem
    message: { sku: "${message}" }
    metadata: ${metadata}
`;
    const row = await planFile(grpc('sku-{{row.sku}}'));
    expect(row.plan).toThrow('requests: templates use {{row.sku}} but the scenario has no data file');
    const vars = await planFile(grpc('sku-1', '{ x-user: "{{vars.user}}" }'));
    expect(vars.plan).toThrow(/requests\[0\]: uses \{\{vars\.user\}\}, but variables are only captured/);
    expect((await planFile(grpc('sku-{{randomInt 1 9}}'))).plan).not.toThrow();
  });
});
