import { describe, expect, it } from 'vitest';
import { EventAggregator } from '../../metrics/event-aggregator.js';
import { emptyEventCounts } from '../../metrics/event-recorder.js';
import { recordMs } from '../../metrics/histogram.js';
import { planEvents } from '../../scenario/event-plan.js';
import type { EventsConfig } from '../../scenario/event-schema.js';
import { eventScopesOf, expectedMessages } from './compare.js';
import { eventsSection } from './section.js';
import type { RunResult } from '../../result/run-result.js';

/** An event result with one queue we consume ("orders": e2e 1..100 ms, 2 undelivered) and one produce-only queue. */
function eventResult(): RunResult {
  const config = {
    broker: 'demo',
    cleanup: false,
    queues: [
      { queue: 'orders', mode: 'produce-consume', prefetch: 10, producers: 1, weight: 1 },
      { queue: 'watched', mode: 'produce-only', prefetch: 10, producers: 1, weight: 1 },
    ],
  } as EventsConfig;
  const agg = new EventAggregator(['orders', 'watched']);
  const orders = { ...emptyEventCounts(), attempted: 100, acked: 100, consumed: 98, undelivered: 2 };
  for (let ms = 1; ms <= 100; ms++) recordMs(orders.e2e, ms);
  agg.add({
    elapsedMs: 1000,
    queues: [orders, { ...emptyEventCounts(), attempted: 100, acked: 100 }],
    lag: [undefined, undefined],
    lagSource: [undefined, undefined],
    phases: { publishing: 0, draining: 1000, done: 1000 },
  });
  return { events: eventsSection(agg, planEvents(config, { add: () => undefined })!) } as RunResult;
}

describe('event scopes of a result, for compare', () => {
  it('the whole run, then each queue; e2e percentiles come from the stored histogram; produce-only queues do not consume', () => {
    const scopes = eventScopesOf(eventResult());
    expect([...scopes.keys()]).toEqual(['run', 'queue:orders', 'queue:watched']);
    const orders = scopes.get('queue:orders');
    expect(orders?.consumes).toBe(true);
    expect(orders?.e2e.p99).toBeCloseTo(99, 0);
    expect(orders === undefined ? 0 : expectedMessages(orders)).toBe(100);
    expect(scopes.get('queue:watched')?.consumes).toBe(false);
    expect(scopes.get('run')?.consumes).toBe(true);
  });

  it('a result without events has no event scopes', () => {
    expect(eventScopesOf({} as RunResult).size).toBe(0);
  });
});
