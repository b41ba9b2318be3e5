import { describe, expect, it } from 'vitest';
import { planEvents } from '../../scenario/event-plan.js';
import type { EventsConfig } from '../../scenario/event-schema.js';
import { primeEventPath } from './prime.js';

function plan(queue: Record<string, unknown>) {
  const config = {
    broker: 'redis://127.0.0.1:6379',
    drain: 30_000,
    cleanup: true,
    queues: [{ queue: 'orders', mode: 'produce-consume', prefetch: 100, producers: 1, weight: 1, size: 256, ...queue }],
  } as EventsConfig;
  const events = planEvents(config, { add: (path, message) => expect.fail(`${path.join('.')}: ${message}`) });
  if (events === undefined) throw new Error('no plan');
  return events;
}

describe('primeEventPath', () => {
  it("runs the whole event path on the demo broker with the run's own queue plans: every message published and consumed", async () => {
    const t0 = performance.now();
    // A real broker's plan (30 s of drain, cleanup on): only the demo broker is touched, and the drain is cut short.
    expect(await primeEventPath(plan({}))).toEqual({ published: 2000, consumed: 2000 });
    // Start-up cost, bounded widely: it runs before every event run's clock starts.
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('ends in bounded time when consumers take long over each message (what they hold is left behind)', async () => {
    const t0 = performance.now();
    const { published, consumed } = await primeEventPath(plan({ processingDelay: 2000, prefetch: 10 }));
    expect(published).toBe(2000);
    expect(consumed).toBeLessThanOrEqual(10);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });
});
