// The brokers of the events benchmark: the shared local ones, and Kafka when BACKEND_BENCH_KAFKA_BROKERS names one.
// Cleanup deletes only the destination a run made, by its unique name (after a run was killed, say).
import { connect } from 'node:net';

const KAFKA_ENV = 'BACKEND_BENCH_KAFKA_BROKERS';

export function BROKERS() {
  const kafka = process.env[KAFKA_ENV];
  return [
    { key: 'redis', label: 'Redis streams', url: 'redis://127.0.0.1:6379', destinationKey: 'stream' },
    {
      key: 'rabbitmq',
      label: 'RabbitMQ, confirms',
      url: 'amqp://guest:guest@127.0.0.1:5672',
      destinationKey: 'queue',
    },
    { key: 'nats', label: 'NATS JetStream, file', url: 'nats://127.0.0.1:4222', destinationKey: 'subject' },
    {
      key: 'kafka',
      label: 'Kafka',
      // kafkajs takes host:port pairs; the scenario takes a kafka:// URL of the first.
      url: kafka ?? '',
      scenarioUrl: kafka === undefined ? '' : `kafka://${kafka.split(',')[0]}`,
      destinationKey: 'topic',
      skip: kafka === undefined ? `${KAFKA_ENV} is not set` : undefined,
    },
  ];
}

function hostPort(broker) {
  const first = broker.key === 'kafka' ? `kafka://${broker.url.split(',')[0]}` : broker.url;
  const u = new URL(first);
  return { host: u.hostname, port: Number(u.port) };
}

/** undefined when the broker answers on its port; otherwise why it is skipped. */
export function reachable(broker) {
  if (broker.skip !== undefined) return Promise.resolve(broker.skip);
  const { host, port } = hostPort(broker);
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 }, () => {
      s.destroy();
      resolve(undefined);
    });
    s.on('timeout', () => (s.destroy(), resolve(`nothing answers on ${host}:${port}`)));
    s.on('error', () => resolve(`nothing answers on ${host}:${port}`));
  });
}

const CLEANERS = {
  async redis(url, name) {
    const { Redis } = await import('ioredis');
    const r = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
    try {
      await r.connect();
      await r.del(name);
    } finally {
      r.disconnect();
    }
  },
  async rabbitmq(url, name) {
    const amqp = await import('amqplib');
    const conn = await amqp.connect(url);
    try {
      const ch = await conn.createChannel();
      await ch.deleteQueue(name);
    } finally {
      await conn.close().catch(() => undefined);
    }
  },
  async nats(url, name) {
    const { connect: natsConnect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await natsConnect({ servers: new URL(url).host });
    try {
      await (await jetstreamManager(nc)).streams.delete(name).catch(() => undefined);
    } finally {
      await nc.close();
    }
  },
  async kafka(url, name) {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ brokers: url.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
      await admin.deleteGroups([name]).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  },
};

/** Deletes the run's own destination if it is still there; never fails the benchmark. */
export async function cleanupDestination(broker, name) {
  await CLEANERS[broker.key](broker.url, name).catch(() => undefined);
}
