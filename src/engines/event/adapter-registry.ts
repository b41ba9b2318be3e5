import type { z } from 'zod';
import type { AdapterFactory } from './broker-adapter.js';
import { KafkaOptions } from './adapters/kafka-config.js';
import { MqttOptions } from './adapters/mqtt-config.js';
import { NatsJetStreamOptions } from './adapters/nats-jetstream-config.js';
import { RabbitMqOptions } from './adapters/rabbitmq-config.js';
import { RedisStreamsOptions } from './adapters/redis-streams-config.js';

/** A broker as the registry knows it: the schema of its `options:` map, and how to make its adapter. */
export interface BrokerEntry {
  /** From the adapter's config file (zod only): the planner checks options without loading the client library. */
  readonly options: z.ZodType;
  readonly create: AdapterFactory;
}

/**
 * Broker adapters by URL scheme. Adding a broker is one entry here: the factory imports its module lazily, so the
 * broker's client library is loaded only by runs that use it; its options schema is small and loaded with this file.
 */
export const BROKER_ADAPTERS = {
  amqp: {
    options: RabbitMqOptions,
    create: async (t, o) => new (await import('./adapters/rabbitmq.js')).RabbitMqAdapter(t, o),
  },
  amqps: {
    options: RabbitMqOptions,
    create: async (t, o) => new (await import('./adapters/rabbitmq.js')).RabbitMqAdapter(t, o),
  },
  kafka: {
    options: KafkaOptions,
    create: async (t, o) => (await import('./adapters/kafka.js')).createKafkaAdapter(t, o),
  },
  mqtt: { options: MqttOptions, create: async (t, o) => new (await import('./adapters/mqtt.js')).MqttAdapter(t, o) },
  mqtts: { options: MqttOptions, create: async (t, o) => new (await import('./adapters/mqtt.js')).MqttAdapter(t, o) },
  nats: {
    options: NatsJetStreamOptions,
    create: async (t, o) => new (await import('./adapters/nats-jetstream.js')).NatsJetStreamAdapter(t, o),
  },
  redis: {
    options: RedisStreamsOptions,
    create: async (t, o) => new (await import('./adapters/redis-streams.js')).RedisStreamsAdapter(t, o),
  },
  rediss: {
    options: RedisStreamsOptions,
    create: async (t, o) => new (await import('./adapters/redis-streams.js')).RedisStreamsAdapter(t, o),
  },
} satisfies Record<string, BrokerEntry>;

export type BrokerScheme = keyof typeof BROKER_ADAPTERS;

export function brokerSchemes(): BrokerScheme[] {
  return Object.keys(BROKER_ADAPTERS) as BrokerScheme[];
}

/** The scheme of a broker URL that has an adapter, or undefined (unknown scheme, or not a URL). */
export function brokerSchemeOf(url: string): BrokerScheme | undefined {
  // The scheme alone, without a full URL parse: Kafka lists its bootstrap brokers as kafka://h1:9092,h2:9092,
  // which WHATWG URL parsing rejects.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  return Object.hasOwn(BROKER_ADAPTERS, scheme) ? (scheme as BrokerScheme) : undefined;
}

/** The adapter factory for a broker URL, or undefined when its scheme has no adapter (or it is not a URL). */
export function adapterFor(url: string): AdapterFactory | undefined {
  const scheme = brokerSchemeOf(url);
  return scheme === undefined ? undefined : BROKER_ADAPTERS[scheme].create;
}
