import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, nowMs } from './envelope.js';

describe('envelope', () => {
  it('round-trips every field, the intended time to the microsecond', () => {
    const e = {
      runId: 'ab12cd34',
      producer: 3,
      seq: 123_456,
      intendedMs: 1_795_000_000_123.456,
      wallMs: 1_795_000_000_124,
    };
    expect(decodeEnvelope(encodeEnvelope(e))).toEqual({ ...e, intendedMs: 1_795_000_000_123.456 });
  });

  it('refuses what is not one of ours', () => {
    for (const text of [
      undefined,
      '',
      'v2 ab 0 1 2 3',
      'v1 ab 0 1 2',
      'v1  0 1 2 3',
      'v1 ab -1 1 2 3',
      'v1 ab 0 1.5 2 3',
      'v1 ab 0 1 x 3',
    ]) {
      expect(decodeEnvelope(text)).toBeUndefined();
    }
  });

  it('keeps time on one clock across threads: epoch-based, monotonic', () => {
    const a = nowMs();
    const b = nowMs();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });
});
