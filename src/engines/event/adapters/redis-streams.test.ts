import { describe, expect, it } from 'vitest';
import { compareIds } from './redis-streams.js';

describe('compareIds', () => {
  it('orders stream ids by time, then by sequence, as numbers and not as text', () => {
    expect(compareIds('9-0', '10-0')).toBe(-1);
    expect(compareIds('1700000000000-12', '1700000000000-3')).toBe(1);
    expect(compareIds('1700000000000-3', '1700000000000-3')).toBe(0);
    expect(compareIds('1700000000001-0', '1700000000000-99')).toBe(1);
    expect(compareIds('0-0', '0-1')).toBe(-1);
  });

  it('reads an id without a sequence as sequence 0', () => {
    expect(compareIds('5', '5-0')).toBe(0);
    expect(compareIds('5', '5-1')).toBe(-1);
  });
});
