/**
 * The Kafka adapter against a Kafka-protocol cluster: by default librdkafka's mock cluster (protocol-level only:
 * offsets, groups and lag are real Kafka semantics; latency figures are meaningless there), or the real cluster
 * named by BACKEND_BENCH_KAFKA_BROKERS.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerAdapter, BrokerTarget, Delivery } from '../src/engines/event/broker-adapter.js';
import { createKafkaAdapter } from '../src/engines/event/adapters/kafka.js';
import { ConsumerRunner } from '../src/engines/event/consumer-runner.js';
import { closedPort } from './support/servers.js';
import { kafkaTestTarget, startKafkaTestCluster, type KafkaTestCluster } from './kafka-mock/kafka-test-cluster.js';

const suffix = `${process.pid}-${Date.now()}`;
const topics = {
  basic: `bb-adapter-basic-${suffix}`,
  slow: `bb-adapter-slow-${suffix}`,
  history: `bb-adapter-history-${suffix}`,
  watched: `bb-adapter-watched-${suffix}`,
  group: `bb-adapter-group-${suffix}`,
};

let cluster: KafkaTestCluster;
let kafka: Kafka;
const adapters: BrokerAdapter[] = [];

beforeAll(async () => {
  cluster = await startKafkaTestCluster(
    Object.values(topics).map((name) => ({ name, partitions: 3 })),
    3,
  );
  kafka = new Kafka({ clientId: 'bb-adapter-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  await cluster?.stop();
});

const noConnectionTrouble = {
  lost: (e: Error) => expect.fail(`connection lost: ${e.message}`),
  restored: () => {},
  groupRecreated: (how: string) => expect.fail(`group recreated: ${how}`),
};

function target(destination: string, overrides: Partial<BrokerTarget> = {}): BrokerTarget {
  const url = `kafka://${cluster.brokers.join(',')}`;
  return {
    url,
    display: url,
    destination,
    group: `${destination}-group`,
    create: true,
    publishTimeoutMs: 5000,
    options: {},
    ...overrides,
  };
}

async function open(t: BrokerTarget): Promise<BrokerAdapter> {
  const adapter = await createKafkaAdapter(t, noConnectionTrouble);
  adapters.push(adapter);
  await adapter.connect();
  await adapter.prepare();
  return adapter;
}

/** The group's lag read by the test itself: committed offsets, then log-end offsets, per partition. */
async function independentLag(topic: string, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const logEnd = await admin.fetchTopicOffsets(topic);
    const byPartition = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    return logEnd.reduce(
      (sum, p) => sum + Math.max(0, Number(p.high) - Math.max(0, byPartition.get(p.partition) ?? 0)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

const message = (seq: number) => ({
  body: Buffer.from(`body-${seq}`),
  headers: { 'x-bb-envelope': `seq ${seq}`, 'x-extra': 'é ✓' },
  key: `k${seq}`,
});

describe(`Kafka adapter (${kafkaTestTarget()})`, () => {
  it('publishes with acks; two consumers in one group share the records; headers and bodies arrive unchanged; lag ends at 0', async () => {
    const t = target(topics.basic);
    const producer = await open(t);
    const consumer = await open(t);
    const seen: Delivery[][] = [[], []];
    for (const index of [0, 1]) {
      await consumer.consume({ index, prefetch: 100 }, async (d) => void seen[index]?.push(d));
    }
    await Promise.all(Array.from({ length: 600 }, (_, seq) => producer.publish(message(seq))));
    await until(() => (seen[0]?.length ?? 0) + (seen[1]?.length ?? 0) >= 600, 20_000);

    const all = [...(seen[0] ?? []), ...(seen[1] ?? [])];
    expect(all).toHaveLength(600);
    expect(seen[0]?.length).toBeGreaterThan(0);
    expect(seen[1]?.length).toBeGreaterThan(0);
    expect(new Set(all.map((d) => d.headers['x-bb-envelope'])).size).toBe(600);
    const first = all.find((d) => d.headers['x-bb-envelope'] === 'seq 7');
    expect(first?.body.toString()).toBe('body-7');
    expect(first?.headers['x-extra']).toBe('é ✓');
    expect(first?.redelivered).toBe(false);

    await until(() => false, 1200); // one commit interval and a batch end
    const lag = await producer.lag();
    expect(lag.messages).toBe(0);
    expect(lag.parts).toMatchObject({
      log_end_offset: 600,
      committed_offset: 600,
      partitions: 3,
      partitions_without_commit: 0,
    });
    expect(lag.source).toMatch(/consumer-group lag/);
  });

  it('three consumers start together and join the group in one rebalance, not one rebalance each', async () => {
    const byConsumer = [0, 0, 0];
    const startGroup = async (group: string) => {
      const t = target(topics.group, { group });
      const consumer = await open(t);
      const runner = new ConsumerRunner(
        consumer,
        { count: 3, prefetch: 10, processingDelayMs: 0, runId: 'r' },
        (index) => {
          byConsumer[index] = (byConsumer[index] ?? 0) + 1;
        },
      );
      const t0 = Date.now();
      await runner.start();
      return { runner, startMs: Date.now() - t0 };
    };
    const producer = await open(target(topics.group));
    // On the mock a group forms in ~3 s and each member joining it later waits ~9 s: one after the other, three
    // members take over 20 s to start. The mock now and then forms even a group joined together slowly (seen once
    // in three full CI runs, 22 s): a second group gets one more try, so only joins that are always one by one fail.
    let { runner, startMs } = await startGroup(`${topics.group}-group`);
    if (startMs >= 16_000) {
      await runner.stop();
      ({ runner, startMs } = await startGroup(`${topics.group}-again`));
    }
    try {
      expect(startMs).toBeLessThan(16_000);
      await Promise.all(Array.from({ length: 300 }, (_, seq) => producer.publish(message(seq))));
      await until(() => byConsumer.reduce((a, n) => a + n, 0) >= 300, 20_000);
      expect(byConsumer.reduce((a, n) => a + n, 0)).toBe(300);
      // Three partitions, three members: each got a share.
      expect(byConsumer.every((n) => n > 0)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('a slow consumer: lag rises while it works, and agrees with an independent read of committed vs log-end offsets', async () => {
    const t = target(topics.slow);
    const producer = await open(t);
    const consumer = await open(t);
    let consumed = 0;
    const handle = await consumer.consume({ index: 0, prefetch: 10 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      consumed++;
    });
    await Promise.all(Array.from({ length: 300 }, (_, seq) => producer.publish(message(seq))));
    await until(() => consumed >= 60, 10_000);
    const during = await producer.lag();
    const independent = await independentLag(t.destination, t.group);
    // ~50 records/s are consumed and commits follow within 0.5 s: both reads fall within a few dozen records.
    expect(during.messages).toBeGreaterThan(100);
    expect(Math.abs(during.messages - independent)).toBeLessThanOrEqual(40);

    await handle.stop(); // leaves the group, committing what it processed
    const stopped = await producer.lag();
    expect(stopped.messages).toBe(await independentLag(t.destination, t.group));
    expect(stopped.messages).toBe(300 - consumed);
  });

  it('starts a new group at the log end: records already in the topic before the run are not delivered', async () => {
    const old = kafka.producer();
    await old.connect();
    await old.send({ topic: topics.history, messages: Array.from({ length: 40 }, (_, i) => ({ value: `old-${i}` })) });
    await old.disconnect();

    const t = target(topics.history);
    const producer = await open(t);
    const consumer = await open(t);
    const bodies: string[] = [];
    await consumer.consume({ index: 0, prefetch: 10 }, async (d) => void bodies.push(d.body.toString()));
    await Promise.all(Array.from({ length: 30 }, (_, seq) => producer.publish(message(seq))));
    await until(() => bodies.length >= 30, 10_000);
    await until(() => false, 300);
    expect(bodies.filter((b) => b.startsWith('old-'))).toEqual([]);
    expect(bodies).toHaveLength(30);
  });

  it("produce-only: samples the lag of the application's own group", async () => {
    const appGroup = `${topics.watched}-app`;
    const app = kafka.consumer({ groupId: appGroup });
    await app.connect();
    await app.subscribe({ topic: topics.watched, fromBeginning: true });
    let appConsumed = 0;
    await app.run({ eachMessage: async () => void appConsumed++ });
    // The application consumes and commits once; afterwards it is too slow to keep up (it is paused).
    const seed = kafka.producer();
    await seed.connect();
    await seed.send({ topic: topics.watched, messages: [{ value: 'first' }] });
    await seed.disconnect();
    await until(() => appConsumed === 1, 15_000);
    await until(() => false, 500);
    app.pause([{ topic: topics.watched }]);

    const watching = await open(target(topics.watched, { group: appGroup, create: false }));
    await Promise.all(Array.from({ length: 25 }, (_, seq) => watching.publish(message(seq))));
    expect((await watching.lag()).messages).toBe(25);
    expect(await independentLag(topics.watched, appGroup)).toBe(25);
    await app.disconnect();
  });

  // Only a broker that serves DescribeGroups can tell a missing group from one that has not committed yet;
  // librdkafka's mock cluster does not (the adapter then takes the group on trust: see kafka-group.ts).
  it.skipIf(!process.env.BACKEND_BENCH_KAFKA_BROKERS)(
    'produce-only refuses a consumer group that does not exist',
    async () => {
      const typo = await createKafkaAdapter(
        target(topics.watched, { group: `${topics.watched}-typo`, create: false }),
        noConnectionTrouble,
      );
      adapters.push(typo);
      await typo.connect();
      await expect(typo.prepare()).rejects.toThrow(/consumer group ".*-typo" has no members and no committed offsets/);
    },
  );

  it('a topic that does not exist is refused when the scenario does not own it (create: false)', async () => {
    const adapter = await createKafkaAdapter(target(`bb-missing-${suffix}`, { create: false }), noConnectionTrouble);
    adapters.push(adapter);
    await adapter.connect();
    await expect(adapter.prepare()).rejects.toThrow(/Kafka topic "bb-missing-.*" does not exist/);
  });

  it('an unreachable broker: connect() fails within seconds, and the error carries no credentials', async () => {
    const port = await closedPort();
    const url = `kafka://app:s3cret-pw@127.0.0.1:${port}`;
    const adapter = await createKafkaAdapter(
      target('t', { url, display: `kafka://***@127.0.0.1:${port}` }),
      noConnectionTrouble,
    );
    const started = Date.now();
    const error = await adapter.connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error?.message).toMatch(/^Connection error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(error?.message).not.toMatch(/s3cret/);
    await adapter.close();
  });
});
