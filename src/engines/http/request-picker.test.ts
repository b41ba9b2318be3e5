import { describe, expect, it } from 'vitest';
import { WeightedPicker } from './request-picker.js';

describe('WeightedPicker', () => {
  it('picks in exact proportion to the weights', () => {
    const picker = new WeightedPicker([3, 1, 0.5]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 9000; i++) counts[picker.next()]!++;
    expect(counts).toEqual([6000, 2000, 1000]);
  });

  it('interleaves rather than bunching', () => {
    const picker = new WeightedPicker([1, 1]);
    expect([picker.next(), picker.next(), picker.next(), picker.next()]).toEqual([0, 1, 0, 1]);
  });

  it('splits a large count by weight exactly, with no pick per unit', () => {
    const picker = new WeightedPicker([3, 1]);
    expect(picker.split(100_000_001)).toEqual([75_000_001, 25_000_000]);
    expect(picker.split(4).reduce((a, b) => a + b, 0)).toBe(4);
  });
});
