import { describe, expect, it } from 'vitest';
import { defaultRequestName, pathTemplate, requestNames } from './request-name.js';

describe('default request names', () => {
  it('drop the query string and the fragment', () => {
    expect(defaultRequestName('get', '/search?api_key=s3cr3t&q=x#top')).toBe('GET /search');
    expect(defaultRequestName('GET', '?token=x')).toBe('GET /');
  });

  it('collapse numeric, UUID, hex and opaque ids to :id, and keep words', () => {
    expect(pathTemplate('/users/42/orders/7')).toBe('/users/:id/orders/:id');
    expect(pathTemplate('/things/123e4567-e89b-12d3-a456-426614174000')).toBe('/things/:id');
    expect(pathTemplate('/commits/9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe('/commits/:id');
    expect(pathTemplate('/objects/507f1f77bcf86cd799439011')).toBe('/objects/:id');
    expect(pathTemplate('/files/01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('/files/:id');
    expect(pathTemplate('/s/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0')).toBe('/s/:id');
    expect(pathTemplate('/api/v2/users/facade/deadbeef/list-all-items-in-order')).toBe(
      '/api/v2/users/facade/deadbeef/list-all-items-in-order',
    );
    expect(pathTemplate('/users/{{seq}}')).toBe('/users/{{seq}}');
  });

  it('stay unique: a collapsed name another request has gets a number', () => {
    const names = requestNames([
      { method: 'GET', path: '/users/1' },
      { method: 'GET', path: '/users/2' },
      { name: 'GET /users/:id #2', method: 'GET', path: '/x' },
      { method: 'GET', path: '/users/3' },
    ]);
    expect(names).toEqual(['GET /users/:id', 'GET /users/:id #3', 'GET /users/:id #2', 'GET /users/:id #4']);
  });
});
