import { describe, expect, it } from 'vitest';
import { primeEventPath } from './prime.js';

describe('primeEventPath', () => {
  it('runs the whole event path on the demo broker: every message published and consumed, then ends', async () => {
    const t0 = performance.now();
    expect(await primeEventPath()).toEqual({ published: 2000, consumed: 2000 });
    // Start-up cost, bounded widely: it runs before every event run's clock starts.
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
