import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { EventAggregator } from '../metrics/event-aggregator.js';
import { type EventCounts, emptyEventCounts } from '../metrics/event-recorder.js';
import { recordMs } from '../metrics/histogram.js';
import { eventsSection } from '../workloads/events/section.js';
import { planEvents } from '../scenario/event-plan.js';
import type { EventsConfig } from '../scenario/event-schema.js';
import { formatEventProgress, formatEvents } from '../workloads/events/summary.js';

const plain = new Chalk({ level: 0 });

function counts(fill: Partial<EventCounts>, publish: number[], e2e: number[]): EventCounts {
  const c = { ...emptyEventCounts(), ...fill };
  for (const ms of publish) recordMs(c.publish, ms);
  for (const ms of e2e) recordMs(c.e2e, ms);
  for (const ms of publish) recordMs(c.sendDelay, ms / 10);
  return c;
}

/** A two-queue run: "orders" healthy, "audit" with a slow consumer that left messages behind and lost some. */
function section(broker: string) {
  const config = {
    broker,
    cleanup: false,
    queues: [
      { queue: 'orders', mode: 'produce-consume', prefetch: 100, producers: 1, weight: 3 },
      { queue: 'audit', mode: 'produce-consume', prefetch: 100, producers: 1, weight: 1 },
    ],
  } as EventsConfig;
  const plan = planEvents(config, { add: () => undefined });
  const agg = new EventAggregator(['orders', 'audit']);
  const ms = (n: number, v: number): number[] => Array<number>(n).fill(v);
  agg.add({
    elapsedMs: 1000,
    queues: [
      counts({ attempted: 300, acked: 300, consumed: 300 }, ms(300, 2), ms(300, 3)),
      counts({ attempted: 100, acked: 100, consumed: 60, undelivered: 30, lost: 10, duplicates: 2 }, ms(100, 2), [
        ...ms(60, 40),
        ...ms(40, 2500),
      ]),
    ],
    lag: [
      { broker: 0, client: 0, timeLagMs: 0 },
      { broker: 30, client: 40, timeLagMs: 2500 },
    ],
    lagSource: [
      'rabbitmq checkQueue (messages ready) + unacknowledged counted by our consumers',
      'rabbitmq checkQueue (messages ready) + unacknowledged counted by our consumers',
    ],
    phases: { publishing: 0, draining: 1000, done: 1000 },
  });
  return eventsSection(agg, plan!);
}

describe('events summary', () => {
  it('shows per queue what was published, consumed, lost and left behind, the latencies and the lag source', () => {
    expect(formatEvents(section('amqp://guest:guest@127.0.0.1:5672'), plain)).toMatchSnapshot();
  });

  it('says so when the broker is the demo', () => {
    expect(formatEvents(section('demo'), plain)?.split('\n')[0]).toBe(
      'Events demo broker (in-process, not a real broker: its latencies say nothing about one)',
    );
  });

  it('a produce-only queue is marked not consumed, with no e2e row and no time lag of ours', () => {
    const config = {
      broker: 'redis://127.0.0.1:6379',
      cleanup: false,
      queues: [{ stream: 'watched', group: 'app', mode: 'produce-only', prefetch: 10, producers: 1, weight: 1 }],
    } as EventsConfig;
    const agg = new EventAggregator(['watched']);
    agg.add({
      elapsedMs: 1000,
      queues: [counts({ attempted: 50, acked: 50 }, Array<number>(50).fill(2), [])],
      lag: [{ broker: 7, client: 0, timeLagMs: 0 }],
      lagSource: ['redis XINFO GROUPS (lag + pending)'],
      phases: { publishing: 0, draining: 1000, done: 1000 },
    });
    const text = formatEvents(eventsSection(agg, planEvents(config, { add: () => undefined })!), plain) ?? '';
    expect(text).toMatch(/\n watched +50 +[\d.]+ +not consumed +- +0 +0 +0 +7 +7 +-\n/);
    expect(text).not.toMatch(/produce → consume/);
  });

  it('the live line shows rates, e2e p99 and the lag, and says when the run is draining', () => {
    const line = formatEventProgress(
      {
        elapsedMs: 12_000,
        durationMs: 10_000,
        point: {
          t: 12,
          requests: 0,
          errors: 0,
          dropped: 0,
          rps: 0,
          p50: 0,
          p95: 0,
          p99: 0,
          inFlight: 0,
          targetRate: 0,
        },
        totalRequests: 1000,
        totalErrors: 0,
        totalDropped: 0,
      },
      {
        queues: ['orders'],
        point: {
          t: 12,
          attempted: 0,
          acked: 0,
          consumed: 95,
          failed: 0,
          publishP99: 0,
          e2eP50: 800,
          e2eP99: 12_500,
          lag: 340,
          backlog: 338,
          timeLagMs: 3200,
        },
        interval: { elapsedMs: 12_000, queues: [], lag: [], lagSource: [], phases: {} },
      },
      plain,
    );
    expect(line).toBe(
      '12s/10s draining  pub 0/s  cons 95/s  e2e p99 12.5s  lag 340  backlog 338, oldest 3200 ms  0 err',
    );
  });
});
