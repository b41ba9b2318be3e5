import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { renderScenarioYaml } from '../scenario-yaml.js';
import { buildOpenApiScenario, type OpenApiImportOptions } from './build-scenario.js';

const all: OpenApiImportOptions = {
  tags: [],
  path: undefined,
  operations: [],
  includeDeletes: false,
  baseUrl: undefined,
  demo: undefined,
};

const doc = {
  openapi: '3.0.3',
  info: { title: 'Shop API', version: '1' },
  servers: [{ url: '/api' }],
  paths: {
    '/carts/{cartId}': {
      get: { responses: { '200': { description: 'ok' } } },
      delete: { operationId: 'dropCart', responses: { '204': { description: 'gone' } } },
      put: { operationId: 'replace cart!', responses: { '2XX': { description: 'ok' } } },
    },
  },
};

describe('buildOpenApiScenario', () => {
  it('names requests by operationId (made SLO-safe) or by method and path; deletes only on request', () => {
    const { scenario, warnings } = buildOpenApiScenario(doc, 'shop.yaml', all);
    const requests = scenario.data.requests as Record<string, unknown>[];
    expect(requests.map((r) => [r.name, r.path])).toEqual([
      ['get-carts-cartid', '/carts/{{randomString 8}}'],
      ['replace-cart', '/carts/{{randomString 8}}'],
    ]);
    expect(requests[1]).not.toHaveProperty('expect'); // 2XX: the default success rule applies
    expect(warnings).toContain('get-carts-cartid: path parameter cartId is not declared; a random string is sent');
    expect(warnings.some((w) => w.includes('the server URL /api is relative'))).toBe(true);
    expect(scenario.data.target).toEqual({ url: 'http://127.0.0.1:3000/api' });
    const withDeletes = buildOpenApiScenario(doc, 'shop.yaml', {
      ...all,
      includeDeletes: true,
      baseUrl: 'http://127.0.0.1:9/x',
    });
    expect((withDeletes.scenario.data.requests as { name: string }[]).map((r) => r.name)).toContain('dropCart');
    expect(withDeletes.scenario.data.target).toEqual({ url: 'http://127.0.0.1:9/x' });
  });

  it('no operation left after the filters is bad input', () => {
    expect(() => buildOpenApiScenario(doc, 'shop.yaml', { ...all, tags: ['none'] })).toThrow(InputError);
  });

  it('does not crash on documents with surprising shapes', () => {
    const odd = {
      swagger: '2.0',
      info: 'not an object',
      paths: {
        '/a': 'nonsense',
        '/b': {
          get: {
            parameters: ['x', null, { in: 'query' }, { name: 'q', in: 'query', required: true, type: 7 }],
            responses: null,
          },
        },
        '/c': {
          post: {
            parameters: [{ name: 'body', in: 'body', schema: { type: 'object', properties: { n: 3 } } }],
            responses: [],
          },
        },
        '/d/{id}': {
          get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { allOf: 'x', oneOf: [] } }] },
        },
      },
      securityDefinitions: { weird: { type: 'mutualTLS' } },
      security: [{ weird: [] }, 'x'],
    };
    const { scenario, warnings } = buildOpenApiScenario(odd, 'odd.yaml', all);
    expect((scenario.data.requests as unknown[]).length).toBe(3);
    expect(warnings).toContain('security scheme weird (mutualTLS) is not supported; add its credentials by hand');
    expect(() => renderScenarioYaml(scenario)).not.toThrow();
  });
});
