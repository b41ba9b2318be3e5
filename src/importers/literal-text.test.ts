import { describe, expect, it } from 'vitest';
import { interpolateEnv } from '../scenario/env-interpolate.js';
import { literal } from './literal-text.js';

describe('literal', () => {
  it('escapes ${ so the loader gives the recorded text back unchanged', () => {
    const recorded = { q: 'price ${total}', list: ['${HOME}', 3, null], plain: 'x' };
    const escaped = literal(recorded);
    expect(escaped).toEqual({ q: 'price $${total}', list: ['$${HOME}', 3, null], plain: 'x' });
    const loaded = interpolateEnv(escaped, { HOME: '/root', total: '9' });
    expect(loaded.problems).toEqual([]);
    expect(loaded.value).toEqual(recorded);
  });
});
