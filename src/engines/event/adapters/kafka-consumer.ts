import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConnectionObserver, ConsumerHandle, Delivery, DeliveryHandler } from '../broker-adapter.js';
import { isGroupJoinRace, kafkaErrorMessage } from './kafka-errors.js';

/** A new member waits for the whole group to rebalance (every member rejoins on its next heartbeat). */
const JOIN_TIMEOUT_MS = 30_000;

/**
 * Where the run's consumption starts, shared by the consumers of one adapter. Partitions where the group had no
 * committed offset when the run began start at that moment's log-end offset (`floors`): older records were there
 * before the run. kafkajs can only say "earliest" or "latest" for them, and "latest" is resolved at the first fetch,
 * after the group has joined, so records published in between would be skipped and reported lost.
 */
export interface RunStart {
  readonly floors: ReadonlyMap<number, number>;
  /** Partitions already moved to their floor by one of this adapter's consumers; each is moved once only. */
  readonly seeked: Set<number>;
}

export interface KafkaConsumerSettings {
  topic: string;
  groupId: string;
  commitIntervalMs: number;
  start: RunStart;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

function toDelivery(message: KafkaMessage): Delivery {
  // Kafka has no redelivery flag: a record seen again after a rebalance simply arrives again (counted as a duplicate).
  return { body: message.value ?? Buffer.alloc(0), headers: headerStrings(message.headers), redelivered: false };
}

/** How many times a member that lost a race with the group's rebalance tries to join afresh. */
const JOIN_ATTEMPTS = 3;

/**
 * One member of the consumer group. Records are handed to `handler` one at a time; kafkajs marks a record's
 * offset consumed only after the handler resolves, and commits at the end of each fetched batch and at least every
 * `commitIntervalMs`, so committed offsets (and the lag read from them) follow what was really processed.
 * Members of a run start together (one rebalance for all); one that loses a race with it joins again.
 */
export async function startKafkaConsumer(
  kafka: Kafka,
  settings: KafkaConsumerSettings,
  handler: DeliveryHandler,
  observer: ConnectionObserver,
): Promise<ConsumerHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await joinGroup(kafka, settings, handler, observer);
    } catch (error) {
      if (attempt >= JOIN_ATTEMPTS || !isGroupJoinRace(error)) throw error;
    }
  }
}

async function joinGroup(
  kafka: Kafka,
  settings: KafkaConsumerSettings,
  handler: DeliveryHandler,
  observer: ConnectionObserver,
): Promise<ConsumerHandle> {
  const { topic, start } = settings;
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    // How long the broker may hold a fetch when there is nothing to return. A broker answers as soon as records
    // arrive, so this costs only idle polls; it also bounds how long a stop waits for an idle fetch.
    maxWaitTimeInMs: 100,
    // After a broker outage kafkajs restarts the consumer itself. It waits as long before the restart as its
    // retries took, so a short retry budget is what makes a consumer resume soon after the broker is back.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async () => true },
  });
  let joined = false;
  let lost = false;
  const joinedOnce = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      moveToFloors(consumer, topic, event.payload.memberAssignment[topic] ?? [], start);
      joined = true;
      if (lost) observer.restored();
      lost = false;
      resolve();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!joined) return reject(new Error(kafkaErrorMessage(event.payload.error), { cause: event.payload.error }));
      if (!lost) observer.lost(new Error(`Kafka consumer: ${kafkaErrorMessage(event.payload.error)}`));
      lost = true;
    });
  });
  joinedOnce.catch(() => {}); // raced below; a crash after a failed start must not surface as unhandled
  const stop = once(() => consumer.disconnect().catch(() => {}));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: settings.commitIntervalMs,
      eachMessage: async ({ partition, message }) => {
        const floor = start.floors.get(partition);
        if (floor !== undefined && Number(message.offset) < floor) return;
        await handler(toDelivery(message));
      },
    });
    await withTimeout(joinedOnce, JOIN_TIMEOUT_MS, `consumer did not join group "${settings.groupId}" within 30 s`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** Moves newly assigned partitions without a committed offset to where the run began (see RunStart). */
function moveToFloors(consumer: Consumer, topic: string, assigned: readonly number[], start: RunStart): void {
  for (const partition of assigned) {
    const floor = start.floors.get(partition);
    if (floor === undefined || start.seeked.has(partition)) continue;
    // Once only: a later rebalance must resume from the group's commits, not rewind to the run's start.
    start.seeked.add(partition);
    consumer.seek({ topic, partition, offset: String(floor) });
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
