import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaOptions } from '../../../brokers/kafka-options.js';
import { InputError } from '../../../errors.js';

/**
 * Kafka's URL form lists the bootstrap brokers: `kafka://host:port,host2:port`, optionally with SASL credentials
 * (`kafka://user:password@host:port`). WHATWG URL parsing rejects a comma-separated authority, so it is split here.
 */
export interface KafkaUrl {
  brokers: string[];
  username?: string;
  password?: string;
}

const DEFAULT_PORT = 9092;

export function parseKafkaUrl(url: string, display: string): KafkaUrl {
  const match = /^kafka:\/\/(?:([^@/]*)@)?([^/?#]+)[/?#]?.*$/i.exec(url);
  const authority = match?.[2];
  if (match === null || authority === undefined) {
    throw new InputError(`${display}: a Kafka URL is kafka://host:port[,host:port...]`);
  }
  const brokers = authority.split(',').map((entry) => withPort(entry.trim(), display));
  const credentials = match[1];
  if (credentials === undefined) return { brokers };
  const colon = credentials.indexOf(':');
  const decode = (text: string): string => decodeURIComponent(text);
  return colon < 0
    ? { brokers, username: decode(credentials), password: '' }
    : { brokers, username: decode(credentials.slice(0, colon)), password: decode(credentials.slice(colon + 1)) };
}

function withPort(entry: string, display: string): string {
  const bracketed = /^\[[0-9a-f:.]+\](?::(\d+))?$/i.exec(entry);
  const plain = /^[\w.-]+(?::(\d+))?$/.exec(entry);
  const found = bracketed ?? plain;
  if (entry === '' || found === null) throw new InputError(`${display}: "${entry}" is not a Kafka broker host:port`);
  if (found[1] === undefined) return `${entry}:${DEFAULT_PORT}`;
  const port = Number(found[1]);
  if (port < 1 || port > 65535) throw new InputError(`${display}: port ${found[1]} is out of range`);
  return entry;
}

/** How long one connection attempt may take: an unreachable broker at start must fail fast. */
export const CONNECT_TIMEOUT_MS = 3000;

export function kafkaClientConfig(url: KafkaUrl, options: KafkaOptions): KafkaConfig {
  const sasl: SASLOptions | undefined =
    url.username === undefined
      ? undefined
      : { mechanism: options.saslMechanism, username: url.username, password: url.password ?? '' };
  return {
    clientId: options.clientId,
    brokers: url.brokers,
    ssl: options.ssl,
    ...(sasl && { sasl }),
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: 10_000,
    // kafkajs retries every request itself; a short budget keeps a broker outage visible as counted errors
    // (the engine retries and keeps sampling) instead of requests hanging for half a minute.
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
  };
}
