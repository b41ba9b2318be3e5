import type { z } from 'zod';
import { KafkaOptions } from './kafka-options.js';
import { MqttOptions } from './mqtt-options.js';
import { NatsJetStreamOptions } from './nats-jetstream-options.js';
import { RabbitMqOptions } from './rabbitmq-options.js';
import { RedisStreamsOptions } from './redis-streams-options.js';

/**
 * What every layer may know of a broker without loading its client library: the planner checks `options:` against
 * the schema, the OTLP exporter labels series with `messaging.system`. How to build the adapter is the event
 * engine's business (src/engines/event/adapter-registry.ts, keyed by the same schemes).
 */
export interface BrokerKind {
  /** OpenTelemetry `messaging.system` (the semantic-convention value where one exists). */
  readonly messagingSystem: string;
  /** The schema of a queue's `options:` map (zod only, small). */
  readonly options: z.ZodType;
}

const rabbitmq: BrokerKind = { messagingSystem: 'rabbitmq', options: RabbitMqOptions };
const mqtt: BrokerKind = { messagingSystem: 'mqtt', options: MqttOptions };
const redis: BrokerKind = { messagingSystem: 'redis', options: RedisStreamsOptions };

/** Brokers by URL scheme. Adding a broker is one entry here and one factory in the engine's adapter registry. */
export const BROKERS = {
  amqp: rabbitmq,
  amqps: rabbitmq,
  kafka: { messagingSystem: 'kafka', options: KafkaOptions },
  mqtt,
  mqtts: mqtt,
  nats: { messagingSystem: 'nats', options: NatsJetStreamOptions },
  redis,
  rediss: redis,
} satisfies Record<string, BrokerKind>;

export type BrokerScheme = keyof typeof BROKERS;

export function brokerSchemes(): BrokerScheme[] {
  return Object.keys(BROKERS) as BrokerScheme[];
}

/** The scheme of a broker URL that the catalogue knows, or undefined (unknown scheme, or not a URL). */
export function brokerSchemeOf(url: string): BrokerScheme | undefined {
  // The scheme alone, without a full URL parse: Kafka lists its bootstrap brokers as kafka://h1:9092,h2:9092,
  // which WHATWG URL parsing rejects.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  return Object.hasOwn(BROKERS, scheme) ? (scheme as BrokerScheme) : undefined;
}

/** `messaging.system` of a broker URL, or undefined for one the catalogue does not know (the demo broker). */
export function messagingSystemOf(url: string): string | undefined {
  const scheme = brokerSchemeOf(url);
  return scheme === undefined ? undefined : BROKERS[scheme].messagingSystem;
}
