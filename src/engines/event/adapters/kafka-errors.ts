import { PublishError, type PublishErrorKind } from '../broker-adapter.js';

/**
 * kafkajs error class names → what they mean for a publish. kafkajs exports its error classes only on its CommonJS
 * default export, and wraps the real cause in KafkaJSNumberOfRetriesExceeded, so errors are told apart by name
 * along the `cause` chain.
 */
const KIND_BY_NAME = {
  KafkaJSConnectionError: 'connection',
  KafkaJSConnectionClosedError: 'connection',
  KafkaJSBrokerNotFound: 'connection',
  KafkaJSMetadataNotLoaded: 'connection',
  KafkaJSRequestTimeoutError: 'timeout',
  KafkaJSTimeout: 'timeout',
  // The broker answered with an error code: it refused the record (not enough replicas, too large, no such topic…).
  KafkaJSProtocolError: 'nack',
  KafkaJSPartialMessageError: 'nack',
} satisfies Record<string, PublishErrorKind>;

function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 8; e = e.cause) chain.push(e);
  return chain;
}

export function kafkaErrorKind(error: unknown): PublishErrorKind {
  for (const e of causes(error)) {
    if (Object.hasOwn(KIND_BY_NAME, e.name)) return KIND_BY_NAME[e.name as keyof typeof KIND_BY_NAME];
  }
  return 'other';
}

/** The innermost message: "Connection error: connect ECONNREFUSED 127.0.0.1:9092" rather than a retry wrapper. */
export function kafkaErrorMessage(error: unknown): string {
  const chain = causes(error);
  const last = chain[chain.length - 1];
  return last?.message ?? String(error);
}

/**
 * Group-protocol refusals that a fresh join resolves: the member raced the rebalance of members joining at the same
 * moment. librdkafka's mock cluster answers a follower's SyncGroup that arrives after the leader's with
 * INVALID_REQUEST (a real broker hands it its assignment), and kafkajs does not restart a consumer on that.
 */
const JOIN_RACE_TYPES = new Set([
  'INVALID_REQUEST',
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

export function isGroupJoinRace(error: unknown): boolean {
  return causes(error).some((e) => {
    const type = (e as { type?: unknown }).type;
    return typeof type === 'string' && JOIN_RACE_TYPES.has(type);
  });
}

export function toPublishError(error: unknown): PublishError {
  return new PublishError(kafkaErrorKind(error), kafkaErrorMessage(error), { cause: error });
}
