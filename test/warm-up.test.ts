/**
 * Each adapter's client warm-up against the real local brokers: the messages make the round trip through a scratch
 * destination of the adapter's own, which is gone afterwards (also when the warm-up is stopped half-way), and the
 * run's own destination never sees one of them.
 */
import { describe, expect, it } from 'vitest';
import type { BrokerAdapter, BrokerTarget, OutgoingMessage } from '../src/engines/event/broker-adapter.js';
import { REGISTRY_ADAPTERS } from '../src/engines/event/event-engine.js';
import { UNOBSERVED } from '../src/engines/event/warm-up.js';
import { exec, natsForSuite, redisForSuite, sleep, uniqueName } from './support/events.js';

const SAMPLE: OutgoingMessage = { body: Buffer.alloc(256, 'x'), headers: { 'x-bb-envelope': 'v1;run;0;0;0;0' } };
const PREFIX = 'backend-bench-warmup-';

function target(url: string, destination: string): BrokerTarget {
  return { url, display: url, destination, group: 'g', create: true, publishTimeoutMs: 5000, options: {} };
}

/** Connected and prepared as a run's producer is, closed (and its destination removed) after `use`. */
async function withAdapter<T>(t: BrokerTarget, use: (a: BrokerAdapter) => Promise<T>): Promise<T> {
  const adapter = await REGISTRY_ADAPTERS.create(t, UNOBSERVED);
  try {
    await adapter.connect();
    await adapter.prepare();
    return await use(adapter);
  } finally {
    await adapter.destroy?.().catch(() => undefined);
    await adapter.close();
  }
}

interface Scratch {
  name: string;
  lasting: boolean;
}

interface Broker {
  name: string;
  url: string;
  /** A fresh destination for the run, and the name the broker keeps it under (stream, key). */
  fresh(what: string): { destination: string; stored: string };
  /** Scratch destinations serving `stored` now; `lasting`: one the broker would keep for ever if left behind. */
  scratch(stored: string): Promise<Scratch[]>;
  /** Messages the run's destination holds. */
  held(stored: string): Promise<number>;
}

const nats = natsForSuite();
const redis = redisForSuite('redis://127.0.0.1:6379');

const BROKERS: Broker[] = [
  {
    name: 'NATS JetStream',
    url: 'nats://127.0.0.1:4222',
    fresh: (what) => {
      const { subject, stream } = nats.newSubject(what);
      return { destination: subject, stored: stream };
    },
    async scratch(stream) {
      const found: Scratch[] = [];
      for await (const s of nats.jsm.streams.list()) {
        const { name, storage } = s.config;
        if (name.startsWith(PREFIX) && name.endsWith(stream)) found.push({ name, lasting: storage !== 'memory' });
      }
      return found;
    },
    held: async (stream) => (await nats.jsm.streams.info(stream)).state.messages,
  },
  {
    name: 'Redis Streams',
    url: 'redis://127.0.0.1:6379',
    fresh: (what) => {
      const stream = redis.newStream(what);
      return { destination: stream, stored: stream };
    },
    async scratch(stream) {
      const keys = await redis.client.keys(`${PREFIX}*-${stream}`);
      return Promise.all(keys.map(async (name) => ({ name, lasting: (await redis.client.pttl(name)) === -1 })));
    },
    held: (stream) => redis.client.xlen(stream),
  },
  {
    name: 'RabbitMQ',
    url: 'amqp://guest:guest@127.0.0.1:5672',
    fresh: (what) => {
      const queue = uniqueName(what);
      return { destination: queue, stored: queue };
    },
    async scratch(queue) {
      const rows = await rabbitQueues();
      return rows
        .filter((r) => r.name.startsWith(PREFIX) && r.name.endsWith(queue))
        .map((r) => ({ name: r.name, lasting: r.durable || !r.arguments.includes('x-expires') }));
    },
    held: async (queue) => (await rabbitQueues()).find((r) => r.name === queue)?.messages ?? NaN,
  },
];

/** The broker's queues as its operator would list them. */
async function rabbitQueues(): Promise<{ name: string; arguments: string; durable: boolean; messages: number }[]> {
  const { stdout } = await exec('rabbitmqctl', ['list_queues', '-q', 'name', 'arguments', 'durable', 'messages']);
  return stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [name = '', args = '', durable = '', messages = ''] = l.split('\t');
      return { name, arguments: args, durable: durable === 'true', messages: Number(messages) };
    });
}

describe.each(BROKERS)('client warm-up on $name (local broker)', (broker) => {
  it('every message comes back through a scratch destination that is removed; the run’s own stays empty', async () => {
    const { destination, stored } = broker.fresh('warm');
    await withAdapter(target(broker.url, destination), async (adapter) => {
      expect(await adapter.warmUp?.(SAMPLE, 1500, new AbortController().signal)).toBe(1500);
      expect(await broker.scratch(stored)).toEqual([]);
      expect(await broker.held(stored)).toBe(0);
    });
  });

  it('stopped half-way, it returns and still removes its scratch destination, which would not have outlived it', async () => {
    const { destination, stored } = broker.fresh('warm-stop');
    await withAdapter(target(broker.url, destination), async (adapter) => {
      const stop = new AbortController();
      const seen: Scratch[] = [];
      // Stopped once its scratch destination is seen (or after 10 s, and then the test fails below).
      const watch = (async () => {
        while (!stop.signal.aborted) {
          seen.push(...(await broker.scratch(stored)));
          if (seen.length > 0) stop.abort();
          else await sleep(5);
        }
      })();
      const limit = setTimeout(() => stop.abort(), 10_000);
      const came = await adapter.warmUp?.(SAMPLE, 1_000_000, stop.signal);
      clearTimeout(limit);
      await watch;
      expect(came).toBeLessThan(1_000_000);
      expect(seen.length).toBeGreaterThan(0);
      // Left behind by a killed process, it would vanish by itself (a TTL, an expiry, or memory only).
      expect(seen.filter((s) => s.lasting)).toEqual([]);
      expect(await broker.scratch(stored)).toEqual([]);
      expect(await broker.held(stored)).toBe(0);
    });
  });
});
