import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceId, parseTraceparent, traceparent } from './trace-context.js';

describe('W3C trace context', () => {
  it('makes version-00 sampled traceparents that parse back', () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    const header = traceparent(traceId, spanId);
    expect(header).toBe(`00-${traceId}-${spanId}-01`);
    expect(parseTraceparent(header)).toEqual({ traceId, spanId, sampled: true });
  });

  it('hands out distinct ids across many pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) ids.add(newTraceId());
    for (let i = 0; i < 5000; i++) ids.add(newSpanId());
    expect(ids.size).toBe(10_000);
  });

  it('rejects malformed and all-zero headers', () => {
    const ok = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (const bad of [
      `00-${ok}-00f067aa0ba902b7`,
      `01-${ok}-00f067aa0ba902b7-01`,
      `00-${ok.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${ok}-${'0'.repeat(16)}-01`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(parseTraceparent(`00-${ok}-00f067aa0ba902b7-00`)?.sampled).toBe(false);
  });
});
