import { describe, expect, it } from 'vitest';
import type { CapturePlan } from '../../scenario/flow-plan.js';
import { compileJsonPath } from '../../scenario/json-path.js';
import { applyCaptures, type CaptureSource } from './capture.js';

function response(body: unknown, headers: Record<string, string> = {}, status = 201): CaptureSource {
  return {
    status,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    header: (name) => headers[name.toLowerCase()],
  };
}

const jsonPath = (variable: string, path: string): CapturePlan => ({
  variable,
  source: 'jsonPath',
  path,
  query: compileJsonPath(path),
});

describe('applyCaptures', () => {
  it('captures with JSONPath: the first value an index, filter or descendant path selects', () => {
    const vars: Record<string, string> = {};
    const body = {
      items: [
        { sku: 'a-1', qty: 0 },
        { sku: 'b-2', qty: 3 },
      ],
      meta: { sku: 'm' },
    };
    const missing = applyCaptures(
      [jsonPath('second', '$.items[1].sku'), jsonPath('inStock', '$.items[?@.qty > 0].sku'), jsonPath('any', '$..sku')],
      response(body),
      vars,
    );
    expect(missing).toBeUndefined();
    expect(vars).toEqual({ second: 'b-2', inStock: 'b-2', any: 'a-1' });
  });

  it('captures JSON paths, headers and the status as text', () => {
    const vars: Record<string, string> = {};
    const missing = applyCaptures(
      [
        jsonPath('userId', 'id'),
        jsonPath('first', '$.items.0.sku'),
        jsonPath('active', 'active'),
        jsonPath('tags', 'tags'),
        { variable: 'where', source: 'header', path: 'location' },
        { variable: 'code', source: 'status', path: '' },
      ],
      response({ id: 42, active: false, items: [{ sku: 'a-1' }], tags: ['x', 'y'] }, { location: '/users/42' }),
      vars,
    );
    expect(missing).toBeUndefined();
    expect(vars).toEqual({
      userId: '42',
      first: 'a-1',
      active: 'false',
      tags: '["x","y"]',
      where: '/users/42',
      code: '201',
    });
  });

  it('reports the first value that is absent or null, naming the variable and where it looked', () => {
    const vars: Record<string, string> = {};
    expect(applyCaptures([jsonPath('a', 'id'), jsonPath('b', 'nope')], response({ id: 1 }), vars)).toBe(
      'capture b: jsonPath nope not found in the response',
    );
    expect(vars).toEqual({ a: '1' });
    expect(applyCaptures([jsonPath('c', 'id')], response({ id: null }), {})).toBe(
      'capture c: jsonPath id not found in the response',
    );
    expect(applyCaptures([{ variable: 'h', source: 'header', path: 'x-id' }], response({}), {})).toBe(
      'capture h: header x-id not found in the response',
    );
  });

  it('finds nothing in a body that is not JSON, and parses the body once for several paths', () => {
    expect(applyCaptures([jsonPath('id', 'id')], response('<html>oops</html>'), {})).toMatch(/^capture id:/);
    let reads = 0;
    const source: CaptureSource = {
      status: 200,
      get body() {
        reads++;
        return '{"a":1,"b":2}';
      },
      header: () => undefined,
    };
    const vars: Record<string, string> = {};
    applyCaptures([jsonPath('a', 'a'), jsonPath('b', 'b')], source, vars);
    expect(vars).toEqual({ a: '1', b: '2' });
    expect(reads).toBe(1);
  });
});
