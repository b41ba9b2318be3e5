import { type BrokerScheme, brokerSchemeOf } from '../../brokers/catalogue.js';
import type { AdapterFactory } from './broker-adapter.js';

// Each adapter module, imported lazily: a broker's client library is loaded only by runs that use it.
const rabbitmq = () => import('./adapters/rabbitmq.js');
const kafka = () => import('./adapters/kafka.js');
const mqtt = () => import('./adapters/mqtt.js');
const nats = () => import('./adapters/nats-jetstream.js');
const redis = () => import('./adapters/redis-streams.js');

/** Each scheme's adapter module (the type makes a scheme without one an error). */
const ADAPTER_MODULES = {
  amqp: rabbitmq,
  amqps: rabbitmq,
  kafka,
  mqtt,
  mqtts: mqtt,
  nats,
  redis,
  rediss: redis,
} satisfies Record<BrokerScheme, () => Promise<unknown>>;

/** How to build each broker's adapter, by the catalogue's schemes. */
export const BROKER_ADAPTERS = {
  amqp: async (t, o) => new (await rabbitmq()).RabbitMqAdapter(t, o),
  amqps: async (t, o) => new (await rabbitmq()).RabbitMqAdapter(t, o),
  kafka: async (t, o) => (await kafka()).createKafkaAdapter(t, o),
  mqtt: async (t, o) => new (await mqtt()).MqttAdapter(t, o),
  mqtts: async (t, o) => new (await mqtt()).MqttAdapter(t, o),
  nats: async (t, o) => new (await nats()).NatsJetStreamAdapter(t, o),
  redis: async (t, o) => new (await redis()).RedisStreamsAdapter(t, o),
  rediss: async (t, o) => new (await redis()).RedisStreamsAdapter(t, o),
} satisfies Record<BrokerScheme, AdapterFactory>;

/** The adapter factory for a broker URL, or undefined when its scheme has no adapter (or it is not a URL). */
export function adapterFor(url: string): AdapterFactory | undefined {
  const scheme = brokerSchemeOf(url);
  return scheme === undefined ? undefined : BROKER_ADAPTERS[scheme];
}

/**
 * Loads the adapter modules (and so the client libraries) of these broker URLs now, before the warm-up: loading
 * ioredis after it made V8 throw away the warmed envelope decoding (a "code dependencies" deoptimisation on the
 * spot, seen with --trace-deopt), to be compiled again in the run's first second.
 */
export async function loadAdapters(urls: readonly string[]): Promise<void> {
  const schemes = new Set(urls.map(brokerSchemeOf).filter((s) => s !== undefined));
  await Promise.all([...schemes].map((s) => ADAPTER_MODULES[s]()));
}
