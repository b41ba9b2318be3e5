import { describe, expect, it } from 'vitest';
import { fmtMs, fmtMsUnit, fmtSloValue } from './format.js';

describe('duration formatting', () => {
  it('writes a duration with exactly one unit: ms below 10 s, seconds from there', () => {
    expect(fmtMsUnit(2.345)).toBe('2.35 ms');
    expect(fmtMsUnit(850)).toBe('850 ms');
    expect(fmtMsUnit(9_999)).toBe('9999 ms');
    expect(fmtMsUnit(11_500)).toBe('11.5s');
    expect(fmtMs(11_500)).toBe('11.5s');
  });

  it('an SLO on time lag (or any long latency) is measured in seconds, not "s ms"', () => {
    expect(fmtSloValue(11_500, 'ms')).toBe('11.5s');
    expect(fmtSloValue(320, 'ms')).toBe('320 ms');
    expect(fmtSloValue(null, 'ms')).toBe('n/a');
  });
});
