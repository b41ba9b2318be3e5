import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.js';
import { adapterFor } from '../adapter-registry.js';
import { parseAdapterOptions } from './options.js';
import { KafkaOptions } from '../../../brokers/kafka-options.js';
import { kafkaClientConfig, parseKafkaUrl } from './kafka-config.js';

const target = (options: Record<string, string | number | boolean>) => ({
  url: 'kafka://127.0.0.1:9092',
  display: 'kafka://127.0.0.1:9092',
  destination: 'orders',
  group: 'backend-bench',
  create: true,
  publishTimeoutMs: 5000,
  options,
});

describe('parseKafkaUrl', () => {
  it('lists every bootstrap broker, adding the default port', () => {
    expect(parseKafkaUrl('kafka://127.0.0.1:9092,127.0.0.1:9093,kafka-3', 'x').brokers).toEqual([
      '127.0.0.1:9092',
      '127.0.0.1:9093',
      'kafka-3:9092',
    ]);
    expect(parseKafkaUrl('kafka://[::1]:19092/', 'x').brokers).toEqual(['[::1]:19092']);
  });

  it('takes SASL credentials from the user part, URL-decoded', () => {
    expect(parseKafkaUrl('kafka://app:p%40ss@b1:9092,b2:9092', 'x')).toEqual({
      brokers: ['b1:9092', 'b2:9092'],
      username: 'app',
      password: 'p@ss',
    });
  });

  it('rejects malformed broker lists with the redacted URL named', () => {
    expect(() => parseKafkaUrl('kafka://u:secret@b1:9092,,b2', 'kafka://***@b1:9092,,b2')).toThrow(InputError);
    expect(() => parseKafkaUrl('kafka://b1:99999', 'kafka://b1:99999')).toThrow(/port 99999 is out of range/);
    expect(() => parseKafkaUrl('kafka://u:secret@b1:9092,,b2', 'kafka://***@b1:9092,,b2')).not.toThrow(/secret/);
  });

  it('is found in the adapter registry, multi-broker form included', () => {
    expect(adapterFor('kafka://127.0.0.1:9092,127.0.0.1:9093')).toBeTypeOf('function');
    expect(adapterFor('KAFKA://127.0.0.1:9092')).toBeTypeOf('function');
  });
});

describe('Kafka options', () => {
  it('defaults to acks=all, broker-default partitions, a 500 ms commit interval', () => {
    expect(parseAdapterOptions(KafkaOptions, target({}), 'kafka')).toMatchObject({
      acks: 'all',
      commitIntervalMs: 500,
      ssl: false,
    });
  });

  it('rejects unknown keys and bad values, naming them', () => {
    expect(() => parseAdapterOptions(KafkaOptions, target({ partitons: 3 }), 'kafka')).toThrow(
      /partitons: not an option/,
    );
    expect(() => parseAdapterOptions(KafkaOptions, target({ acks: 0 }), 'kafka')).toThrow(/acks/);
  });

  it('builds a kafkajs client config with SASL only when credentials are given', () => {
    const options = parseAdapterOptions(KafkaOptions, target({ saslMechanism: 'scram-sha-512', ssl: true }), 'kafka');
    const plain = kafkaClientConfig(parseKafkaUrl('kafka://b1:9092', 'x'), options);
    expect(plain.sasl).toBeUndefined();
    const withSasl = kafkaClientConfig(parseKafkaUrl('kafka://app:pw@b1:9092', 'x'), options);
    expect(withSasl).toMatchObject({
      brokers: ['b1:9092'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'app', password: 'pw' },
    });
  });
});
