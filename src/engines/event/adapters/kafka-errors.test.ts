import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isGroupJoinRace, kafkaErrorKind, kafkaErrorMessage, toPublishError } from './kafka-errors.js';

function named(name: string, message: string, cause?: unknown): Error {
  const e = new Error(message, { cause });
  e.name = name;
  return e;
}

describe('Kafka publish errors', () => {
  it('finds the kind along the cause chain of kafkajs retry wrappers', () => {
    const refused = named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const wrapped = named('KafkaJSNumberOfRetriesExceeded', refused.message, refused);
    expect(kafkaErrorKind(wrapped)).toBe('connection');
    expect(kafkaErrorMessage(wrapped)).toBe('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  });

  it('tells a broker refusal (nack) from a timeout and from anything else', () => {
    expect(kafkaErrorKind(named('KafkaJSProtocolError', 'NOT_ENOUGH_REPLICAS'))).toBe('nack');
    expect(kafkaErrorKind(named('KafkaJSRequestTimeoutError', 'Request Produce(key: 0, version: 7) timed out'))).toBe(
      'timeout',
    );
    expect(kafkaErrorKind(new TypeError('x'))).toBe('other');
    expect(toPublishError(named('KafkaJSProtocolError', 'MESSAGE_TOO_LARGE'))).toMatchObject({
      kind: 'nack',
      message: 'MESSAGE_TOO_LARGE',
    });
  });
});

describe('Kafka group join errors', () => {
  const protocolError = (type: string, code: number): Error =>
    new kafkajs.KafkaJSProtocolError(Object.assign(new Error(`${type} from the broker`), { type, code }));

  it('a member refused while the group settles joins again (the mock answers a late SyncGroup INVALID_REQUEST)', () => {
    expect(isGroupJoinRace(protocolError('INVALID_REQUEST', 42))).toBe(true);
    expect(isGroupJoinRace(new Error('consumer crashed', { cause: protocolError('REBALANCE_IN_PROGRESS', 27) }))).toBe(
      true,
    );
  });

  it('anything else fails the start at once', () => {
    expect(isGroupJoinRace(protocolError('GROUP_AUTHORIZATION_FAILED', 30))).toBe(false);
    expect(
      isGroupJoinRace(named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092')),
    ).toBe(false);
  });
});
