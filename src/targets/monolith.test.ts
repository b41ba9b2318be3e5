import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { createMonolithServer, type MonolithOptions, type User } from './monolith.js';

let server: http.Server | undefined;

async function start(options?: MonolithOptions): Promise<string> {
  server = createMonolithServer(options);
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s === undefined) return;
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
});

const post = (url: string, body: string): Promise<Response> =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('monolith demo server', () => {
  it('answers /health without delay', async () => {
    // An ordering, not a time: /health answers while a route held for its 2 s service time is still waiting.
    const base = await start({ serviceTimeMs: [2000, 2000] });
    let slowDone = false;
    const slow = fetch(`${base}/users`).then(() => (slowDone = true));
    const res = await fetch(`${base}/health`);
    expect(slowDone).toBe(false);
    await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('lists users with a default, a limit and a cap of 100', async () => {
    const base = await start();
    const byDefault = (await (await fetch(`${base}/users`)).json()) as User[];
    expect(byDefault).toHaveLength(20);
    expect(byDefault[0]).toMatchObject({ id: 1, name: 'User 1', email: 'user1@example.com' });
    expect((await (await fetch(`${base}/users?limit=5`)).json()) as User[]).toHaveLength(5);
    expect((await (await fetch(`${base}/users?limit=1000`)).json()) as User[]).toHaveLength(100);
    expect((await fetch(`${base}/users?limit=abc`)).status).toBe(400);
  });

  it('sends JSON with content-type and content-length', async () => {
    const base = await start();
    const res = await fetch(`${base}/users/1`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(res.headers.get('connection')).toBe('keep-alive');
  });

  it('gets a user by id, or 404', async () => {
    const base = await start();
    const found = await fetch(`${base}/users/42`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ id: 42, name: 'User 42' });
    for (const id of ['9999', 'abc']) {
      const missing = await fetch(`${base}/users/${id}`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'not found' });
    }
  });

  it('creates a user that can then be read back', async () => {
    const base = await start();
    const res = await post(`${base}/users`, JSON.stringify({ name: 'Ada', email: 'ada@example.com' }));
    expect(res.status).toBe(201);
    const user = (await res.json()) as User;
    expect(user).toMatchObject({ id: 101, name: 'Ada', email: 'ada@example.com' });
    expect(Number.isNaN(Date.parse(user.createdAt))).toBe(false);
    expect(await (await fetch(`${base}/users/${user.id}`)).json()).toEqual(user);
  });

  it('rejects invalid bodies with 400 and an error message', async () => {
    const base = await start();
    for (const body of ['{not json', '{"email":"x@example.com"}', '{"name":""}', '[]', '{"name":"a","email":5}']) {
      const res = await post(`${base}/users`, body);
      expect(res.status, body).toBe(400);
      expect((await res.json()) as { error: unknown }).toHaveProperty('error', expect.any(String));
    }
  });

  it('answers 404 for unknown paths and 405 for a wrong method on a known path', async () => {
    const base = await start();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/users/1/friends`)).status).toBe(404);
    expect((await fetch(`${base}/users/1`, { method: 'DELETE' })).status).toBe(405);
    expect((await post(`${base}/health`, '{}')).status).toBe(405);
  });

  it('delays responses by a service time within the configured range', async () => {
    const base = await start({ serviceTimeMs: [30, 50] });
    await fetch(`${base}/health`); // open the connection so setup cost is not measured
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await (await fetch(`${base}/users/1`)).arrayBuffer();
      const elapsed = performance.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(29); // timers may fire up to 1 ms early
      expect(elapsed).toBeLessThan(50 + 40); // generous slack for a busy CI machine
    }
  });

  it('keeps the store bounded by evicting the oldest users', async () => {
    const base = await start({ maxUsers: 10, serviceTimeMs: [0, 0] });
    let last: User | undefined;
    for (let i = 0; i < 15; i++) last = (await (await post(`${base}/users`, `{"name":"n${i}"}`)).json()) as User;
    const users = (await (await fetch(`${base}/users?limit=100`)).json()) as User[];
    expect(users).toHaveLength(10);
    expect(users.at(-1)).toEqual(last);
    expect(users[0]?.id).toBe(16); // seeding stops at the bound (ids 1-10), 15 created (11-25): 16-25 remain
    expect((await fetch(`${base}/users/1`)).status).toBe(404);
  });

  it('keeps at most 10 000 users by default', async () => {
    const base = await start({ seedUsers: 9_998, serviceTimeMs: [0, 0] });
    for (let i = 0; i < 5; i++) await post(`${base}/users`, '{"name":"x"}');
    expect((await fetch(`${base}/users/3`)).status).toBe(404);
    expect((await fetch(`${base}/users/4`)).status).toBe(200);
    expect((await fetch(`${base}/users/10003`)).status).toBe(200);
  });

  it('counts requests per route at /__stats', async () => {
    const base = await start({ serviceTimeMs: [0, 0] });
    await fetch(`${base}/users`);
    await fetch(`${base}/users?limit=2`);
    await fetch(`${base}/users/7`);
    await fetch(`${base}/users/9999`);
    await post(`${base}/users`, '{"name":"x"}');
    await fetch(`${base}/health`);
    await fetch(`${base}/nope`);
    await fetch(`${base}/users/1`, { method: 'DELETE' });
    await fetch(`${base}/__stats`); // reading the stats is not itself counted
    const stats = (await (await fetch(`${base}/__stats`)).json()) as unknown;
    expect(stats).toEqual({
      requests: {
        'GET /users': 2,
        'GET /users/:id': 2,
        'POST /users': 1,
        'GET /health': 1,
        'GET (unmatched)': 1,
        'DELETE /users/:id': 1,
      },
    });
  });

  it('rejects invalid options', () => {
    expect(() => createMonolithServer({ serviceTimeMs: [5, 2] })).toThrow(InputError);
    expect(() => createMonolithServer({ maxUsers: 0 })).toThrow(InputError);
  });
});
