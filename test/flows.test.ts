import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/result/run-result.js';
import { type CliRun, readResult, runCli, tempDir } from './support/cli.js';
import { closedPort, startServer, type TestServer } from './support/servers.js';

/** Every request a test service saw: route, traceparent, body. */
interface Seen {
  route: string;
  traceparent: string | undefined;
  body: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const send = (res: import('node:http').ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/**
 * users: POST /users issues ids (every `omitIdEvery`-th answer leaves the id out); GET /users/:id answers 404
 * for an id it never issued. orders: POST /orders accepts only issued user ids; GET /orders/:id likewise.
 */
async function startShop(omitIdEvery = 0) {
  const issuedUsers = new Set<string>();
  const issuedOrders = new Set<string>();
  const seen: Seen[] = [];
  let created = 0;
  let withoutId = 0;
  const record = (route: string, headers: import('node:http').IncomingHttpHeaders, body: string): void => {
    seen.push({ route, traceparent: headers.traceparent as string | undefined, body });
  };
  const users = await startServer((req, res, body) => {
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/users') {
      record('create-user', req.headers, body);
      created++;
      if (omitIdEvery > 0 && created % omitIdEvery === 0) {
        withoutId++;
        return send(res, 201, { name: 'no id today' });
      }
      const id = `u${created}x${Math.random().toString(36).slice(2, 8)}`;
      issuedUsers.add(id);
      return send(res, 201, { id });
    }
    record('get-user', req.headers, body);
    const id = path.split('/').pop() ?? '';
    send(res, issuedUsers.has(id) ? 200 : 404, { id });
  });
  const orders = await startServer((req, res, body) => {
    if (req.method === 'POST') {
      record('place-order', req.headers, body);
      const userId = (JSON.parse(body) as { userId?: string }).userId ?? '';
      if (!issuedUsers.has(userId)) return send(res, 400, { error: `unknown user ${userId}` });
      const orderId = `o${issuedOrders.size + 1}`;
      issuedOrders.add(orderId);
      return setTimeout(() => send(res, 201, { order: { id: orderId } }), 5);
    }
    record('get-order', req.headers, body);
    send(res, issuedOrders.has((req.url ?? '').split('/').pop() ?? '') ? 200 : 404, {});
  });
  return { users, orders, seen, issuedUsers, counts: () => ({ created, withoutId }) };
}

function scenario(dir: string, users: string, orders: string, load: string, slos: string[] = []): string {
  const file = join(dir, 'flows.yaml');
  writeFileSync(
    file,
    `name: shop
services:
  users: ${users}
  orders: ${orders}
load: ${load}
flows:
  - name: checkout
    steps:
      - name: create-user
        service: users
        method: POST
        path: /users
        json: { name: "n{{seq}}" }
        capture: { userId: id }
      - name: get-user
        service: users
        path: /users/{{vars.userId}}
        think: 10ms
      - name: place-order
        service: orders
        method: POST
        path: /orders
        json: { userId: "{{vars.userId}}" }
        expect: { status: 201 }
        capture: { orderId: order.id }
      - name: get-order
        service: orders
        path: /orders/{{vars.orderId}}
        think: 20ms
slos: [${slos.map((s) => JSON.stringify(s)).join(', ')}]
`,
  );
  return file;
}

describe('flows across services: one healthy run', () => {
  let shop: Awaited<ReturnType<typeof startShop>>;
  let run: CliRun;
  let result: RunResult;

  beforeAll(async () => {
    shop = await startShop();
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const file = scenario(dir, shop.users.url, shop.orders.url, '{ rate: 15, duration: 2s }', [
      'flow:checkout error_rate = 0',
    ]);
    run = await runCli(['run', file, '--out', out]);
    result = readResult(out);
  });

  afterAll(async () => {
    await shop?.users.close();
    await shop?.orders.close();
  });

  it('passes a captured value to the next step: the services only ever see ids they issued', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const iterations = result.byFlow?.checkout?.requests ?? 0;
    expect(iterations).toBeGreaterThanOrEqual(25);
    expect(shop.issuedUsers.size).toBe(iterations);
    const getUser = shop.seen.filter((s) => s.route === 'get-user');
    expect(getUser).toHaveLength(iterations);
    const placed = shop.seen
      .filter((s) => s.route === 'place-order')
      .map((s) => (JSON.parse(s.body) as { userId: string }).userId);
    expect(new Set(placed)).toEqual(shop.issuedUsers);
    for (const step of ['create-user', 'get-user', 'place-order', 'get-order']) {
      expect(result.byStep?.[step], step).toMatchObject({ requests: iterations, errors: 0, skipped: 0 });
    }
  });

  it('sends a well-formed traceparent everywhere: one trace id per iteration, shared by its steps', () => {
    const byTrace = new Map<string, Seen[]>();
    const spans = new Set<string>();
    for (const s of shop.seen) {
      const m = TRACEPARENT.exec(s.traceparent ?? '');
      expect(m, `${s.route}: ${s.traceparent}`).not.toBeNull();
      const [, traceId = '', spanId = ''] = m ?? [];
      byTrace.set(traceId, [...(byTrace.get(traceId) ?? []), s]);
      spans.add(spanId);
    }
    expect(spans.size).toBe(shop.seen.length); // one span per step
    expect(byTrace.size).toBe(result.byFlow?.checkout?.requests); // one trace per iteration
    for (const steps of byTrace.values()) {
      expect(steps.map((s) => s.route)).toEqual(['create-user', 'get-user', 'place-order', 'get-order']);
    }
    const slowest = result.traces?.slowest ?? [];
    expect(slowest).toHaveLength(10);
    for (const e of slowest) expect(byTrace.has(e.traceId)).toBe(true);
    expect(slowest.map((e) => e.durationMs)).toEqual([...slowest.map((e) => e.durationMs)].sort((a, b) => b - a));
  });

  it('reports per-service counts equal to what each service counted', () => {
    const count = (s: TestServer): number => [...s.counts.values()].reduce((a, b) => a + b, 0);
    expect(result.byService?.users?.requests).toBe(count(shop.users));
    expect(result.byService?.orders?.requests).toBe(count(shop.orders));
    expect(result.metrics.requests).toBe(count(shop.users) + count(shop.orders));
    expect(Object.keys(result.histograms.byService ?? {})).toEqual(['users', 'orders']);
    expect(run.stdout).toMatch(/Services ranked by share of flow time/);
    expect(run.stdout).toMatch(/think time & client/);
  });
});

describe('flows across services: failures', () => {
  let shop: Awaited<ReturnType<typeof startShop>> | undefined;
  afterEach(async () => {
    await shop?.users.close();
    await shop?.orders.close();
    shop = undefined;
  });

  it('attributes a service that dies mid-run to that service; flows fail and its error_rate SLO exits 1', async () => {
    shop = await startShop();
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const file = scenario(dir, shop.users.url, shop.orders.url, '{ rate: 20, duration: 3s }', [
      'service:users error_rate < 1%',
      'service:orders error_rate < 1%',
    ]);
    const orders = shop.orders;
    const killer = setTimeout(() => void orders.close(), 1200);
    const run = await runCli(['run', file, '--out', out]);
    clearTimeout(killer);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const r = readResult(out);
    expect(r.byService?.users?.errors).toBe(0);
    expect(r.byService?.orders?.errors).toBeGreaterThan(10);
    expect(r.errorsByKind.connect_refused + r.errorsByKind.connect_reset).toBe(r.byService?.orders?.errors);
    expect(r.byFlow?.checkout?.errors).toBeGreaterThan(10);
    // users kept answering after orders died: the run went on to its end
    expect(r.byService?.users?.requests).toBeGreaterThan(100);
    expect(r.byStep?.['get-order']?.skipped).toBeGreaterThan(0);
    expect(r.slos.map((v) => [v.expr, v.pass])).toEqual([
      ['service:users error_rate < 1%', true],
      ['service:orders error_rate < 1%', false],
    ]);
    expect(run.stdout).toMatch(/FAIL\s+1 of 2 SLOs failed/);
  });

  it('skips the steps that need a capture that failed, and reports them as skipped, not as successes', async () => {
    shop = await startShop(3);
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const run = await runCli([
      'run',
      scenario(dir, shop.users.url, shop.orders.url, '{ connections: 2, duration: 1500ms }'),
      '--out',
      out,
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0); // no SLOs: the result speaks
    const r = readResult(out);
    const { created, withoutId } = shop.counts();
    expect(withoutId).toBeGreaterThan(3);
    const steps = r.byStep ?? {};
    expect(steps['create-user']).toMatchObject({ requests: created, errors: withoutId, skipped: 0 });
    for (const dependent of ['get-user', 'place-order']) {
      expect(steps[dependent], dependent).toMatchObject({
        requests: created - withoutId,
        errors: 0,
        skipped: withoutId,
      });
    }
    expect(steps['get-order']?.skipped).toBe(withoutId);
    expect(r.byFlow?.checkout).toMatchObject({ requests: created, errors: withoutId, skipped: 3 * withoutId });
    expect(r.errorsByKind.check).toBe(withoutId);
    expect(Object.keys(r.errorSamples).join('\n')).toContain(
      'create-user: capture userId: jsonPath id not found in the response',
    );
    expect(r.traces?.failed.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/checkout › get-user\s+users\s+\d+\s+0%\s+\d+/);
  });

  it('stops before any load when a service is unreachable (exit 3), naming it with its URL redacted', async () => {
    shop = await startShop();
    const port = await closedPort();
    const dir = tempDir();
    const file = scenario(dir, shop.users.url, `http://ops:s3cret-pw@127.0.0.1:${port}`, '{ rate: 10, duration: 1s }');
    const run = await runCli(['run', file]);
    expect(run.code).toBe(3);
    // The credentials travel as an authorization header; the URL connected to (and named) has none.
    expect(run.stderr).toContain(`service orders (http://127.0.0.1:${port}/) is not reachable`);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
    expect(shop.seen).toHaveLength(0);
  });
});

describe('scenarios/microservices.yaml', () => {
  it('runs the checkout journey against the demo in under 30 s and passes its SLOs', async () => {
    const out = join(tempDir(), 'r.json');
    const started = Date.now();
    const run = await runCli(['run', 'scenarios/microservices.yaml', '--out', out]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(Object.keys(r.byService ?? {}).sort()).toEqual(['gateway', 'inventory', 'orders', 'users']);
    expect(r.byFlow?.checkout?.errors).toBe(0);
    // the slow dependency shows: inventory's own median is above every fast service's
    const p50 = (s: string): number => r.byService?.[s]?.latencyMs.p50 ?? 0;
    expect(p50('inventory')).toBeGreaterThan(Math.max(p50('users'), p50('orders')));
    expect(run.stdout).toMatch(/PASS\s+5\/5 SLOs met/);
  });
});
