import { type BrokerScheme, brokerSchemeOf } from '../../brokers/catalogue.js';
import type { AdapterFactory } from './broker-adapter.js';

/**
 * How to build each broker's adapter, by the catalogue's schemes (the type makes a scheme without a factory an
 * error). Each factory imports its module lazily, so a broker's client library is loaded only by runs that use it.
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
} satisfies Record<BrokerScheme, AdapterFactory>;

/** The adapter factory for a broker URL, or undefined when its scheme has no adapter (or it is not a URL). */
export function adapterFor(url: string): AdapterFactory | undefined {
  const scheme = brokerSchemeOf(url);
  return scheme === undefined ? undefined : BROKER_ADAPTERS[scheme];
}
