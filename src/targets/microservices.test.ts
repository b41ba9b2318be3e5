import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVICES } from '../scenario/flow-schema.js';
import { type RunningDemo, startDemo } from './launch.js';

interface Stats {
  service: string;
  requests: number;
  byRoute: Record<string, number>;
  byCaller: Record<string, number>;
  traceparent: { valid: number; missing: number; malformed: number };
  recentTraceIds: string[];
}

let demo: RunningDemo;

beforeAll(async () => {
  demo = await startDemo('microservices', { timeoutMs: 20_000 });
});

afterAll(async () => {
  await demo?.stop();
});

const stats = async (service: string): Promise<Stats> =>
  (await (await fetch(`${demo.services[service]}/__stats`)).json()) as Stats;

async function call(service: string, method: string, path: string, body?: unknown, traceparent?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (traceparent !== undefined) headers.traceparent = traceparent;
  const res = await fetch(`${demo.services[service]}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('microservices demo', () => {
  it('starts every service the scenario format promises, each on its own loopback port', async () => {
    expect(Object.keys(demo.services).sort()).toEqual([...(DEMO_SERVICES.microservices ?? [])].sort());
    const ports = new Set(Object.values(demo.services).map((u) => new URL(u).port));
    expect(ports.size).toBe(5);
    // stock is the shop's gRPC Inventory; the others answer HTTP with a health route.
    expect(demo.services.stock).toMatch(/^grpc:\/\/127\.0\.0\.1:\d+$/);
    for (const [name, url] of Object.entries(demo.services).filter(([n]) => n !== 'stock')) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok', service: name });
    }
    expect(demo.url).toBe(demo.services.gateway);
  });

  it('runs a checkout across gateway → users, orders → inventory, passing the trace on', async () => {
    const user = await call('users', 'POST', '/users', { name: 'ada' });
    expect(user.status).toBe(201);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const t0 = performance.now();
    const checkout = { userId: user.body.id, sku: 'sku-1', quantity: 2 };
    const order = await call('gateway', 'POST', '/checkout', checkout, `00-${traceId}-00f067aa0ba902b7-01`);
    // inventory is the slow dependency: the checkout cannot be faster than its ~20 ms floor
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ userId: user.body.id, sku: 'sku-1', quantity: 2, status: 'confirmed' });
    const fetched = await call('orders', 'GET', `/orders/${String(order.body.id)}`);
    expect(fetched.body).toMatchObject({ id: order.body.id, status: 'confirmed' });
    for (const service of ['gateway', 'users', 'orders', 'inventory']) {
      const s = await stats(service);
      expect(s.recentTraceIds).toContain(traceId);
      expect(s.traceparent.malformed).toBe(0);
    }
    expect((await stats('inventory')).byCaller.orders).toBeGreaterThanOrEqual(1);
    expect((await stats('users')).byCaller.gateway).toBeGreaterThanOrEqual(1);
  });

  it('answers an unknown user with 422 and a bad body with 400', async () => {
    expect((await call('gateway', 'POST', '/checkout', { userId: 999_999, sku: 'x' })).status).toBe(422);
    expect((await call('users', 'POST', '/users', { email: 'no-name' })).status).toBe(400);
    expect((await call('orders', 'GET', '/orders/0')).status).toBe(404);
  });

  it('stops every service process when stopped', async () => {
    const urls = Object.values(demo.services);
    await demo.stop();
    for (const url of urls) await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
