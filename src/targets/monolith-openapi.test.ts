import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonolithServer } from './monolith.js';

/** The demo's /openapi.json must be a valid document that describes exactly what the demo serves (itself aside). */
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = createMonolithServer({ serviceTimeMs: [0, 0] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Doc {
  servers: { url: string }[];
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

describe('monolith /openapi.json', () => {
  it('is a valid OpenAPI 3.0 document naming the server it was fetched from', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
    await expect(SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document)).resolves.toBeDefined();
    expect(doc.servers).toEqual([{ url: base }]);
  });

  it('documents every route the demo serves, and each answers with a documented status', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        path,
        method: method.toUpperCase(),
        codes: Object.keys(op.responses),
      })),
    );
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual([
      'GET /health',
      'GET /__stats',
      'GET /users',
      'POST /users',
      'GET /users/{id}',
    ]);
    for (const op of operations) {
      const body = op.method === 'POST' ? JSON.stringify({ name: 'Ada', email: 'ada@example.test' }) : undefined;
      const response = await fetch(`${base}${op.path.replace('{id}', '7')}`, {
        method: op.method,
        body,
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      await response.arrayBuffer();
      expect(op.codes, `${op.method} ${op.path}`).toContain(String(response.status));
    }
  });
});
