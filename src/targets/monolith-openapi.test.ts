import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { createMonolithServer } from './monolith.js';
import { listenDuringSuite } from '../../test/support/servers.js';

/** The demo's /openapi.json must be a valid document that describes exactly what the demo serves (itself aside). */
const demo = listenDuringSuite(() => createMonolithServer({ serviceTimeMs: [0, 0] }));

interface Doc {
  servers: { url: string }[];
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

describe('monolith /openapi.json', () => {
  it('is a valid OpenAPI 3.0 document naming the server it was fetched from', async () => {
    const doc = (await (await fetch(`${demo.url}/openapi.json`)).json()) as Doc;
    await expect(SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document)).resolves.toBeDefined();
    expect(doc.servers).toEqual([{ url: demo.url }]);
  });

  it('documents every route the demo serves, and each answers with a documented status', async () => {
    const doc = (await (await fetch(`${demo.url}/openapi.json`)).json()) as Doc;
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
      const response = await fetch(`${demo.url}${op.path.replace('{id}', '7')}`, {
        method: op.method,
        body,
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      await response.arrayBuffer();
      expect(op.codes, `${op.method} ${op.path}`).toContain(String(response.status));
    }
  });
});
