import { describe, expect, it } from 'vitest';
import { compileJsonPath } from './json-path.js';

const DOC = {
  id: 'top',
  'user-id': 'u-1',
  meta: { 'x:y': true },
  user: { id: 7, tags: ['a', 'b'] },
  items: [
    { id: 1, price: 5, name: 'pen' },
    { id: 2, price: 20, name: 'book' },
  ],
};

const first = (path: string): unknown => compileJsonPath(path).first(DOC);

describe('compileJsonPath', () => {
  it('reads RFC 9535 JSONPath: indices, filters and descendants', () => {
    expect(first('$.items[0].id')).toBe(1);
    expect(first('$.items[-1].name')).toBe('book');
    expect(first('$.items[?@.price > 10].name')).toBe('book');
    expect(first('$.items[?(@.price > 10)]')).toEqual({ id: 2, price: 20, name: 'book' });
    expect(first("$['user']['tags'][1]")).toBe('b');
    expect(first('$..id')).toBe('top');
    expect(first('$.items[*].id')).toBe(1);
  });

  it('keeps the dot paths scenarios already use', () => {
    expect(first('id')).toBe('top');
    expect(first('user.id')).toBe(7);
    expect(first('items.1.name')).toBe('book');
    expect(first('$.user.tags.0')).toBe('a');
    expect(first('[0]')).toBeUndefined();
    // Keys JSONPath's shorthand cannot name were fine in a dot path, and still are.
    expect(first('user-id')).toBe('u-1');
    expect(first('$.meta.x:y')).toBe(true);
  });

  it('selects nothing where nothing matches, and from a body that is not JSON', () => {
    expect(first('$.items[?@.price > 100]')).toBeUndefined();
    expect(first('missing.path')).toBeUndefined();
    expect(compileJsonPath('id').first(undefined)).toBeUndefined();
  });

  it('rejects what can never match, naming the problem', () => {
    for (const bad of ['$.items[', '$.items[?@.price >]', '$..', 'a b', '$.items[0]]']) {
      expect(() => compileJsonPath(bad), bad).toThrow(/not a valid JSONPath/);
    }
  });
});
