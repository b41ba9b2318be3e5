import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.js';
import { loadScenario } from './load.js';
import { type ExecutionPlan, planScenario } from './plan.js';

const BASE = `
services:
  users: http://127.0.0.1:4001
  orders: { url: "http://ops:hunter22@127.0.0.1:4002/api", timeout: 2s, headers: { x-tenant: t1 } }
load: { rate: 5, duration: 2s }
`;

const CHECKOUT = `
flows:
  - name: checkout
    weight: 3
    steps:
      - name: create-user
        service: users
        method: post
        path: /users
        json: { name: "u{{seq}}" }
        capture: { userId: id, where: { header: Location }, code: { status: true } }
        think: [100ms, 300ms]
      - name: place-order
        service: orders
        method: POST
        path: /orders
        json: { userId: "{{vars.userId}}" }
        capture: { orderId: { jsonPath: $.order.id } }
        think: 50ms
      - service: orders
        path: /orders/{{vars.orderId}}
  - name: browse
    steps:
      - { name: list, service: users, path: /users }
`;

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bb-flow-')), 'scenario.yaml');
  writeFileSync(path, content);
  return path;
}

async function plan(content: string): Promise<ExecutionPlan> {
  const loaded = await loadScenario(file(content));
  return planScenario(loaded.config, loaded);
}

async function problemsOf(content: string): Promise<string[]> {
  try {
    await plan(content);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems.map((p) => p.replace(/^\S+ /, ''));
    throw err;
  }
  return [];
}

describe('flows in a scenario', () => {
  it('plans services, steps numbered across flows, captures, needs and think times', async () => {
    const p = await plan(BASE + CHECKOUT);
    const flows = p.flows;
    if (flows === undefined) throw new Error('no flows planned');
    expect(p.requests).toEqual([]);
    expect(p.target).toEqual({ kind: 'services' });
    expect(flows.services.map((s) => [s.name, s.timeoutMs, s.display])).toEqual([
      ['users', 10_000, 'http://127.0.0.1:4001'],
      ['orders', 2000, 'http://***@127.0.0.1:4002/api'],
    ]);
    expect(flows.flows.map((f) => [f.name, f.weight, f.steps.map((s) => s.index)])).toEqual([
      ['checkout', 3, [0, 1, 2]],
      ['browse', 1, [3]],
    ]);
    const [create, place, get, list] = flows.steps;
    expect(create?.captures).toEqual([
      { variable: 'userId', source: 'jsonPath', path: 'id', query: expect.objectContaining({ source: 'id' }) },
      { variable: 'where', source: 'header', path: 'location' },
      { variable: 'code', source: 'status', path: '' },
    ]);
    expect(create?.thinkMs).toEqual([100, 300]);
    expect(create?.request.method).toBe('POST');
    expect(place).toMatchObject({ name: 'place-order', service: 1, needs: ['userId'], thinkMs: [50, 50] });
    // a JSON-path capture reads the body even though the step has no checks
    expect(place?.request.needsBody).toBe(true);
    expect(get).toMatchObject({ name: 'checkout.3', needs: ['orderId'], thinkMs: [0, 0] });
    expect(get?.request.needsBody).toBe(false);
    expect(list).toMatchObject({ name: 'list', flow: 1, service: 0 });
    // service headers reach its steps
    expect(place?.request.headers.map(([k]) => k)).toContain('x-tenant');
    // the credentials of a service URL are sent as Basic auth to that service only, never in the URL
    const auth = (step: typeof place): string | undefined =>
      step?.request.headers.find(([k]) => k === 'authorization')?.[1].render({ seq: 0 });
    expect(auth(place)).toBe(`Basic ${Buffer.from('ops:hunter22').toString('base64')}`);
    expect(auth(create)).toBeUndefined();
    expect(flows.services[1]?.url).toBe('http://127.0.0.1:4002/api');
  });

  it('knows flow, step and service names for SLO scopes', async () => {
    const slos = `slos:\n  - flow:checkout p95 < 800ms\n  - step:place-order p99 < 300ms\n  - service:orders error_rate < 1%\n`;
    expect((await plan(BASE + CHECKOUT + slos)).slos).toHaveLength(3);
    const bad = `slos:\n  - flow:chekout p95 < 800ms\n  - service:payments error_rate < 1%\n  - step:list p50 < 5ms\n`;
    expect(await problemsOf(BASE + CHECKOUT + bad)).toEqual([
      'slos[0]: slo "flow:chekout p95 < 800ms": no flow named "chekout" (known: checkout, browse)',
      'slos[1]: slo "service:payments error_rate < 1%": no service named "payments" (known: users, orders)',
    ]);
  });

  it('refuses a variable no earlier step captures, an unknown service and a name used twice', async () => {
    const flows = `
flows:
  - name: a
    steps:
      - { name: s1, service: users, path: "/x/{{vars.later}}" }
      - { name: s2, service: payments, path: /, capture: { later: id } }
      - { name: s1, service: users, path: "/y/{{vars.later}}" }
  - name: a
    steps:
      - { name: s3, service: users, path: "/z/{{vars.later}}" }
`;
    expect(await problemsOf(BASE + flows)).toEqual(
      expect.arrayContaining([
        'flows[0].steps[0]: uses {{vars.later}} but no earlier step of flow a captures later',
        'flows[0].steps[1].service: no service "payments" (known: users, orders)',
        'flows[0].steps[2].name: "s1" is also a step of flow a; step names are unique across flows (they name step: SLOs)',
        'flows[1].name: "a" is used twice',
        'flows[1].steps[0]: uses {{vars.later}} but no earlier step of flow a captures later',
      ]),
    );
  });

  it('refuses a capture whose JSONPath can never match, at its line and column', async () => {
    const flows = `
flows:
  - name: a
    steps:
      - { name: s1, service: users, path: /, capture: { id: "$.items[", other: { jsonPath: "$..[?" } } }
`;
    const path = file(BASE + flows);
    const loaded = await loadScenario(path);
    let problems: readonly string[] = [];
    try {
      planScenario(loaded.config, loaded);
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/:10:61 flows\[0\]\.steps\[0\]\.capture\.id: not a valid JSONPath: /),
      expect.stringMatching(/:10:92 flows\[0\]\.steps\[0\]\.capture\.other\.jsonPath: not a valid JSONPath: /),
    ]);
  });

  it('applies target timeout and headers (no url or demo) to every service', async () => {
    const p = await plan(`target: { timeout: 3s, headers: { x-run: r1 } }\n${BASE}${CHECKOUT}`);
    expect(p.target).toEqual({ kind: 'services' });
    expect(p.flows?.services.map((s) => [s.name, s.timeoutMs])).toEqual([
      ['users', 3000],
      ['orders', 2000],
    ]);
    expect(p.flows?.steps.every((s) => s.request.headers.some(([k]) => k === 'x-run'))).toBe(true);
  });

  it('takes its services from the microservices demo', async () => {
    const p = await plan(`
target: { demo: microservices, timeout: 3s }
load: { connections: 2, duration: 1s }
flows:
  - name: f
    steps: [{ service: inventory, path: /stock/a }, { service: gateway, method: POST, path: /checkout }]
`);
    expect(p.target).toEqual({ kind: 'demo', demo: 'microservices' });
    expect(p.flows?.demo).toBe('microservices');
    expect(p.flows?.services.map((s) => [s.name, s.url, s.timeoutMs])).toEqual([
      ['inventory', undefined, 3000],
      ['gateway', undefined, 3000],
    ]);
  });
});

describe('flow schema', () => {
  it('wants requests or flows, not both and not neither', async () => {
    const both = await problemsOf(`target: http://x\nrequests: [{ path: / }]\n${BASE}${CHECKOUT}`);
    expect(both).toContain('flows: set requests (one target) or flows (across services), not both');
    const neither = await problemsOf('target: http://127.0.0.1:1\nload: { rate: 1, duration: 1s }\n');
    expect(neither).toEqual([expect.stringMatching(/^\(top level\): set requests \(load on one target\), flows/)]);
  });

  it('wants services for flows, and a target for requests', async () => {
    expect(await problemsOf(`load: { rate: 1, duration: 1s }\n${CHECKOUT}`)).toContain(
      'services: flows need services (name: base URL), or target: { demo: microservices }',
    );
    expect(await problemsOf('load: { rate: 1, duration: 1s }\nrequests: [{ path: / }]\n')).toEqual([
      'target: is required with requests',
    ]);
    expect(await problemsOf(`target: http://127.0.0.1:1\n${BASE}${CHECKOUT}`)).toContain(
      'target: flows send to named services: move the URL into services',
    );
    expect(await problemsOf(`target: { demo: monolith }\n${BASE}${CHECKOUT}`)).toContain(
      'target.demo: demo monolith has no named services for flows',
    );
  });

  it('checks captures, think times and names field by field', async () => {
    const flows = `
flows:
  - name: "check out"
    steps:
      - service: users
        capture: { ok: { jsonPath: id, header: x }, s: { status: false } }
        think: [2s, 1s]
        json: {}
        body: x
`;
    const problems = await problemsOf(BASE + flows);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flows\[0\]\.name: flow names use letters, digits/),
        'flows[0].steps[0].capture.ok: a capture is a JSON path, or one of { jsonPath: PATH }, { header: NAME }, { status: true }',
        expect.stringMatching(/^flows\[0\]\.steps\[0\]\.capture\.s: a capture is/),
        expect.stringMatching(/^flows\[0\]\.steps\[0\]\.think: /),
      ]),
    );
    const badName = `\nflows:\n  - name: f\n    steps: [{ service: users, capture: { 1bad: id } }]\n`;
    expect(await problemsOf(BASE + badName)).toEqual([
      'flows[0].steps[0].capture.1bad: variable names are letters, digits, _ and -, not starting with a digit',
    ]);
  });
});
