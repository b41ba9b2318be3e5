import { describe, expect, it } from 'vitest';
import { EventAggregator } from '../metrics/event-aggregator.js';
import { emptyEventCounts } from '../metrics/event-recorder.js';
import { recordMs } from '../metrics/histogram.js';
import { eventsSection } from '../workloads/events/section.js';
import type { RunResult } from '../result/run-result.js';
import { planEvents } from '../scenario/event-plan.js';
import type { EventsConfig } from '../scenario/event-schema.js';
import { optionalTables } from './report-sections.js';

/** A run with one queue we consume ("orders") and one whose consumers are the application's ("watched"). */
function eventRun(): RunResult {
  const config = {
    broker: 'redis://127.0.0.1:6379',
    cleanup: false,
    queues: [
      { stream: 'orders', mode: 'produce-consume', prefetch: 10, producers: 1, weight: 1 },
      { stream: 'watched', group: 'app', mode: 'produce-only', prefetch: 10, producers: 1, weight: 1 },
    ],
  } as EventsConfig;
  const plan = planEvents(config, { add: () => undefined });
  const agg = new EventAggregator(['orders', 'watched']);
  const orders = { ...emptyEventCounts(), attempted: 100, acked: 100, consumed: 100 };
  const watched = { ...emptyEventCounts(), attempted: 100, acked: 100 };
  for (let i = 0; i < 100; i++) {
    recordMs(orders.publish, 2);
    recordMs(orders.e2e, 4);
    recordMs(watched.publish, 2);
  }
  agg.add({
    elapsedMs: 1000,
    queues: [orders, watched],
    lag: [
      { broker: 0, client: 0, timeLagMs: 11_500 },
      { broker: 40, client: 0, timeLagMs: 0 },
    ],
    lagSource: ['redis XINFO GROUPS (lag + pending)', 'redis XINFO GROUPS (lag + pending)'],
    phases: { publishing: 0, draining: 1000, done: 1000 },
  });
  return { events: eventsSection(agg, plan!) } as RunResult;
}

describe('report sections (Markdown and HTML tables)', () => {
  it('a produce-only queue shows no e2e or time-lag figure: n/a, not a reassuring 0', () => {
    const table = optionalTables(eventRun()).find((t) => t.title.startsWith('Events'));
    expect(table?.rows).toEqual([
      ['orders', '100', '100', '0', '0', '0', '2.00 ms', '4.00 ms', '4.00 ms', '0', '11.5s'],
      ['watched', '100', 'n/a', '0', '0', '0', '2.00 ms', 'n/a', 'n/a', '40', 'n/a'],
    ]);
  });

  it('every time carries its own unit: a time lag of 11.5 s is "11.5s", not "11.5s" under an "ms" heading', () => {
    const table = optionalTables(eventRun()).find((t) => t.title.startsWith('Events'));
    expect(table?.head).toEqual([
      'queue',
      'published',
      'consumed',
      'lost',
      'undelivered',
      'dup',
      'publish p99',
      'e2e p50',
      'e2e p99',
      'lag max',
      'time lag max',
    ]);
    expect(table?.rows[0]?.at(-1)).toBe('11.5s');
  });
});
