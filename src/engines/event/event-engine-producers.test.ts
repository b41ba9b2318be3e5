import { describe, expect, it } from 'vitest';
import { EventAggregator } from '../../metrics/event-aggregator.js';
import { EventRecorder } from '../../metrics/event-recorder.js';
import { IntervalRecorder } from '../../metrics/interval-recorder.js';
import { planEvents } from '../../scenario/event-plan.js';
import type { EventsConfig } from '../../scenario/event-schema.js';
import { buildStages } from '../../scenario/stages.js';
import { DemoBroker } from '../../targets/event-broker.js';
import type { BrokerAdapter, OutgoingMessage } from './broker-adapter.js';
import { decodeEnvelope, ENVELOPE_HEADER } from './envelope.js';
import { EventEngine } from './event-engine.js';
import type { AdapterSource } from './queue-run.js';

/**
 * Several producers at a few thousand messages a second, on the demo broker behind a faulty wire that confirms
 * some publishes without delivering them (gaps) and delivers others twice (duplicates): every fault is counted
 * exactly once, whichever producer it hit.
 */

interface Faults {
  inject: boolean;
  dropped: number;
  doubled: number;
  producers: Set<number>;
}

function faulty(broker: DemoBroker, faults: Faults): AdapterSource {
  const inner = broker.adapters();
  let n = 0;
  return {
    consumersInline: true,
    create: async (target, observer) => {
      const a = await inner.create(target, observer);
      const publish = async (m: OutgoingMessage): Promise<void> => {
        const i = n++;
        const producer = decodeEnvelope(m.headers[ENVELOPE_HEADER])?.producer ?? -1;
        if (faults.inject && i % 97 === 13) {
          faults.dropped++;
          faults.producers.add(producer);
          return; // confirmed, never delivered
        }
        if (faults.inject && i % 89 === 7) {
          faults.doubled++;
          faults.producers.add(producer);
          void a.publish(m);
        }
        await a.publish(m);
      };
      const adapter: BrokerAdapter = Object.assign(Object.create(a) as BrokerAdapter, { publish });
      return adapter;
    },
  };
}

async function run(producers: number, rate: number, durationMs: number, faults: Faults) {
  const config = {
    broker: 'demo',
    drain: 3000,
    cleanup: false,
    queues: [{ queue: 'orders', mode: 'produce-consume', prefetch: 100, producers, consumers: 3, weight: 1 }],
  } as EventsConfig;
  const plan = planEvents(config, { add: (path, message) => expect.fail(`${path.join('.')}: ${message}`) });
  const events = new EventRecorder(1);
  const totals = new EventAggregator(['orders']);
  const t0 = performance.now();
  const flush = (): void => events.flush(performance.now() - t0, (s) => totals.add(s));
  const timer = setInterval(flush, 250);
  try {
    await new EventEngine().run(
      { model: 'open', stages: buildStages(rate, [{ durationMs, value: rate }]), durationMs, maxInFlight: 5000 },
      plan!,
      { sink: events, adapters: faulty(new DemoBroker(), faults) },
      new IntervalRecorder(['orders']),
      new AbortController().signal,
    );
  } finally {
    clearInterval(timer);
  }
  flush();
  return totals.metrics();
}

describe('EventEngine with several producers at speed', () => {
  it('counts every gap as lost and every second delivery as a duplicate, on every producer', async () => {
    const faults: Faults = { inject: true, dropped: 0, doubled: 0, producers: new Set() };
    const m = await run(4, 4000, 1500, faults);
    expect(m.attempted).toBe(6000);
    expect(m.acked).toBe(6000);
    expect(faults.dropped).toBeGreaterThan(50);
    expect(faults.doubled).toBeGreaterThan(50);
    expect([...faults.producers].sort()).toEqual([0, 1, 2, 3]);
    expect(m.lost).toBe(faults.dropped);
    expect(m.duplicates).toBe(faults.doubled);
    expect(m.consumed).toBe(6000 - faults.dropped);
    expect(m.undelivered).toBe(0);
    expect(m.foreign).toBe(0);
  });

  it('without faults: each of 8 producers numbers its own messages, and all arrive exactly once', async () => {
    const m = await run(8, 4000, 1000, { inject: false, dropped: 0, doubled: 0, producers: new Set() });
    expect(m).toMatchObject({ attempted: 4000, acked: 4000, consumed: 4000, duplicates: 0, lost: 0, foreign: 0 });
  });
});
