import type { AdapterFactory } from './broker-adapter.js';

/**
 * Broker adapters by URL scheme. Adding a broker is one line here: the factory imports its module lazily, so the
 * broker's client library is loaded only by runs that use it.
 */
export const BROKER_ADAPTERS = {
  amqp: async (t, o) => new (await import('./adapters/rabbitmq.js')).RabbitMqAdapter(t, o),
  amqps: async (t, o) => new (await import('./adapters/rabbitmq.js')).RabbitMqAdapter(t, o),
  kafka: async (t, o) => (await import('./adapters/kafka.js')).createKafkaAdapter(t, o),
  mqtt: async (t, o) => new (await import('./adapters/mqtt.js')).MqttAdapter(t, o),
  mqtts: async (t, o) => new (await import('./adapters/mqtt.js')).MqttAdapter(t, o),
  nats: async (t, o) => new (await import('./adapters/nats-jetstream.js')).NatsJetStreamAdapter(t, o),
  redis: async (t, o) => new (await import('./adapters/redis-streams.js')).RedisStreamsAdapter(t, o),
  rediss: async (t, o) => new (await import('./adapters/redis-streams.js')).RedisStreamsAdapter(t, o),
} satisfies Record<string, AdapterFactory>;

export type BrokerScheme = keyof typeof BROKER_ADAPTERS;

export function brokerSchemes(): BrokerScheme[] {
  return Object.keys(BROKER_ADAPTERS) as BrokerScheme[];
}

/** The adapter factory for a broker URL, or undefined when its scheme has no adapter (or it is not a URL). */
export function adapterFor(url: string): AdapterFactory | undefined {
  // The scheme alone, without a full URL parse: Kafka lists its bootstrap brokers as kafka://h1:9092,h2:9092,
  // which WHATWG URL parsing rejects.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  return Object.hasOwn(BROKER_ADAPTERS, scheme) ? BROKER_ADAPTERS[scheme as BrokerScheme] : undefined;
}
