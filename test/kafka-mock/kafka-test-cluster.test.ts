/**
 * What the Kafka tests rely on, checked against the cluster they run on (by default librdkafka's mock cluster:
 * Kafka protocol only, no latency meaning): kafkajs produces with acks, consumes in a group, commits offsets, and
 * reads committed offsets (OffsetFetch, admin.fetchOffsets) and log-end offsets (ListOffsets, admin.fetchTopicOffsets).
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaTestTarget, startKafkaTestCluster, type KafkaTestCluster } from './kafka-test-cluster.js';

const topic = `bb-cluster-check-${process.pid}-${Date.now()}`;
const groupId = `${topic}-group`;
const PARTITIONS = 3;
const MESSAGES = 60;

let cluster: KafkaTestCluster;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startKafkaTestCluster([{ name: topic, partitions: PARTITIONS }], 3);
  kafka = new Kafka({ clientId: 'bb-cluster-check', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await cluster?.stop();
});

async function consumeAll(consumer: Consumer, expected: number): Promise<Set<string>> {
  const seen = new Set<string>();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.headers?.seq?.toString() ?? '') });
  const deadline = Date.now() + 30_000;
  while (seen.size < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return seen;
}

describe(`Kafka test cluster (${kafkaTestTarget()})`, () => {
  it('is what the tests claim it is', () => {
    expect(cluster.brokers.length).toBeGreaterThan(0);
    for (const broker of cluster.brokers) expect(broker).toMatch(/^[\w.-]+:\d+$/);
    if (cluster.mock) {
      for (const broker of cluster.brokers) expect(broker.startsWith('127.0.0.1:')).toBe(true);
      expect(cluster.brokers).toHaveLength(3);
    }
  });

  it('kafkajs produces, consumes in a group, commits, and reads committed and log-end offsets', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: MESSAGES }, (_, seq) => ({
      key: `k${seq}`,
      value: 'x',
      headers: { seq: String(seq) },
    }));
    for (let i = 0; i < MESSAGES; i += 10)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 10) });
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const logEnd = await admin.fetchTopicOffsets(topic);
    expect(logEnd).toHaveLength(PARTITIONS);
    expect(logEnd.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    const seen = await consumeAll(consumer, MESSAGES);
    expect(seen.size).toBe(MESSAGES);
    await consumer.disconnect(); // commits what was consumed

    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedByPartition = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const partition of logEnd) expect(committedByPartition.get(partition.partition)).toBe(Number(partition.high));
    await admin.disconnect();
  });

  it('reports no committed offset (-1) for a group that never committed', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: `${groupId}-never`, topics: [topic] });
    await admin.disconnect();
    expect(committed?.partitions.map((p) => p.offset)).toEqual(Array.from({ length: PARTITIONS }, () => '-1'));
  });
});
