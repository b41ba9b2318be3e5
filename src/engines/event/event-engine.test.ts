import { describe, expect, it } from 'vitest';
import { EventAggregator } from '../../metrics/event-aggregator.js';
import { EventRecorder } from '../../metrics/event-recorder.js';
import { IntervalRecorder } from '../../metrics/interval-recorder.js';
import { planEvents } from '../../scenario/event-plan.js';
import type { EventsConfig } from '../../scenario/event-schema.js';
import type { LoadPlan } from '../../scenario/plan.js';
import { DemoBroker } from '../../targets/event-broker.js';
import { buildStages } from '../../scenario/stages.js';
import { EventEngine } from './event-engine.js';

/** The engine against the in-process demo broker: the accounting, drain and lag logic without a real broker. */

function load(rate: number, durationMs: number): LoadPlan {
  return { model: 'open', stages: buildStages(rate, [{ durationMs, value: rate }]), durationMs, maxInFlight: 1000 };
}

type QueueConfig = Partial<EventsConfig['queues'][number]>;

async function run(
  queue: QueueConfig,
  rate: number,
  durationMs: number,
  drainMs: number,
  during?: (broker: DemoBroker) => void,
) {
  const config = {
    broker: 'demo',
    drain: drainMs,
    cleanup: false,
    queues: [{ queue: 'orders', mode: 'produce-consume', prefetch: 10, producers: 1, weight: 1, ...queue }],
  } as EventsConfig;
  const problems: string[] = [];
  const plan = planEvents(config, { add: (path, message) => problems.push(`${path.join('.')}: ${message}`) });
  expect(problems).toEqual([]);
  const broker = new DemoBroker();
  const events = new EventRecorder(1);
  const totals = new EventAggregator(['orders']);
  const samples = new IntervalRecorder(['orders']);
  // Real elapsed times, so each flush makes its own point of the lag series (a 0 ms span folds into the last one).
  const t0 = performance.now();
  const flush = (): void => events.flush(performance.now() - t0, (s) => totals.add(s));
  const timer = setInterval(flush, 250);
  const hook = during === undefined ? undefined : setTimeout(() => during(broker), durationMs / 2);
  try {
    await new EventEngine().run(
      load(rate, durationMs),
      plan!,
      { sink: events, adapters: broker.adapters() },
      samples,
      new AbortController().signal,
    );
  } finally {
    clearInterval(timer);
    clearTimeout(hook);
  }
  flush();
  return totals.metrics();
}

describe('EventEngine on the demo broker', () => {
  it('spreads publishes over producers, each numbering its own messages, and all of them arrive once', async () => {
    const m = await run({ consumers: 3, producers: 3 }, 300, 1000, 2000);
    expect(m).toMatchObject({ attempted: 300, acked: 300, consumed: 300, duplicates: 0, lost: 0, foreign: 0 });
  });

  it('publishes on schedule and consumes everything: nothing lost, lag back to zero', async () => {
    const m = await run({ consumers: 2 }, 400, 1000, 2000);
    expect(m).toMatchObject({
      attempted: 400,
      acked: 400,
      consumed: 400,
      lost: 0,
      undelivered: 0,
      duplicates: 0,
      failed: 0,
    });
    expect(m.lag.final).toBe(0);
    expect(m.lag.clientFinal).toBe(0);
    expect(m.consumeRatio).toBe(1);
    expect(m.lag.source).toBe('demo broker (ready + unacknowledged)');
  });

  it('a slow consumer leaves a backlog: undelivered at the end, counted in the e2e tail at their age', async () => {
    // 200/s in, 1 consumer at ~50/s out; a 300 ms drain cannot catch up.
    const m = await run({ consumers: 1, processingDelay: 20 }, 200, 1500, 300);
    expect(m.lag.max).toBeGreaterThan(100);
    expect(m.lag.final).toBeGreaterThan(100);
    expect(m.undelivered).toBe(m.lag.final);
    expect(m.lost).toBe(0);
    expect(m.consumed + m.undelivered).toBe(m.acked);
    // Every undelivered message waited at least the drain: the tail shows it though the consumed ones were quicker.
    expect(m.e2eLatencyMs.max).toBeGreaterThan(300);
    const received = m.consumed / (m.consumed + m.undelivered);
    expect(received).toBeLessThan(0.5);
    expect(m.e2eLatencyMs.p50).toBeGreaterThan(300);
  });

  it('messages purged behind its back are lost, and the drain ends without waiting for them', async () => {
    let purged = 0;
    const started = performance.now();
    const m = await run({ consumers: 1, processingDelay: 10 }, 200, 1000, 10_000, (broker) => {
      purged = broker.queue('orders').purge();
    });
    expect(purged).toBeGreaterThan(20);
    expect(m.lost).toBe(purged);
    expect(m.undelivered).toBe(0);
    expect(m.consumed + m.lost).toBe(m.acked);
    expect(performance.now() - started).toBeLessThan(8000);
  });

  it('produce-only: the application consumes; nothing is tracked, so nothing is lost and the e2e histogram stays empty', async () => {
    // The "application" starts halfway through at ~100/s while 200/s arrive, then catches up in the drain: the
    // broker's lag for it rises, then ends at zero. Were sequences tracked without consumers of ours, every message would be counted lost in the e2e tail.
    let appConsumed = 0;
    const m = await run({ mode: 'produce-only' }, 200, 1000, 2000, (broker) => {
      void broker
        .adapters()
        .create(
          {
            url: 'demo',
            display: 'demo broker',
            destination: 'orders',
            group: 'app',
            create: false,
            publishTimeoutMs: 1000,
            options: {},
          },
          { lost: () => undefined, restored: () => undefined, groupRecreated: () => undefined },
        )
        .then((app) =>
          app.consume({ index: 0, prefetch: 1 }, async () => {
            await new Promise((resolve) => setTimeout(resolve, 10));
            appConsumed++;
          }),
        );
    });
    expect(m).toMatchObject({ attempted: 200, acked: 200, consumed: 0, lost: 0, undelivered: 0, duplicates: 0 });
    expect(appConsumed).toBe(200);
    expect(m.e2eLatencyMs).toMatchObject({ p50: 0, p99: 0, max: 0 });
    expect(m.lag.max).toBeGreaterThan(50);
    expect(m.lag.final).toBe(0);
    expect(m.lag.clientMax).toBe(0);
  });
});
