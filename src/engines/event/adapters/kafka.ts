import type { Admin, Kafka, LogEntry, logCreator, Message, Producer } from 'kafkajs';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  type ConsumerHandle,
  type ConsumerSpec,
  type DeliveryHandler,
  type LagReading,
  type OutgoingMessage,
  PublishError,
} from '../broker-adapter.js';
import { KafkaOptions } from '../../../brokers/kafka-options.js';
import { kafkaClientConfig, parseKafkaUrl } from './kafka-config.js';
import { type RunStart, startKafkaConsumer } from './kafka-consumer.js';
import { kafkaErrorMessage, toPublishError } from './kafka-errors.js';
import { watchedGroupProblem } from './kafka-group.js';
import { SendBatcher } from './send-batcher.js';
import { consumerGroupLag, logEndByPartition } from './kafka-lag.js';
import { parseAdapterOptions } from './options.js';

type KafkaJs = typeof import('kafkajs');

/**
 * Kafka through kafkajs. Publishing waits for the broker's ack (acks=all unless `options.acks: leader`); the
 * envelope travels in record headers. Consumers are members of `target.group`; lag is that group's lag as Kafka
 * defines it (see kafka-lag.ts), which is also what an application's own group shows in produce-only mode.
 */
class KafkaAdapter implements BrokerAdapter {
  readonly broker = 'Kafka';
  private readonly kafka: Kafka;
  private readonly options: KafkaOptions;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private batcher: SendBatcher<Message> | undefined;
  private readonly consumers: ConsumerHandle[] = [];
  /** Log-end offsets when the run began: the base of lag on partitions the group has not committed on. */
  private runStartOffsets = new Map<number, number>();
  private runStart: RunStart | undefined;
  private createdTopic = false;
  private publishDown = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly kafkajs: KafkaJs,
    private readonly target: BrokerTarget,
    private readonly observer: ConnectionObserver,
  ) {
    this.options = parseAdapterOptions(KafkaOptions, target, 'kafka');
    const config = kafkaClientConfig(parseKafkaUrl(target.url, target.display), this.options);
    this.kafka = new kafkajs.Kafka({ ...config, logLevel: kafkajs.logLevel.NOTHING, logCreator: stderrLog });
  }

  async connect(): Promise<void> {
    // One short attempt: an unreachable broker at start is an error to report, not something to wait out.
    const admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 } });
    const producer = this.kafka.producer({
      createPartitioner: this.kafkajs.Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.admin = admin;
    this.producer = producer;
    try {
      await admin.connect();
      await producer.connect();
      this.batcher = new SendBatcher((records) => this.sendBatch(producer, records), recordBytes);
    } catch (error) {
      await Promise.all([producer.disconnect().catch(() => {}), admin.disconnect().catch(() => {})]);
      this.admin = this.producer = this.batcher = undefined;
      // The engine prefixes "cannot connect to <redacted URL>"; kafkajs's innermost message names the broker tried.
      throw new Error(kafkaErrorMessage(error), { cause: error });
    }
  }

  async prepare(): Promise<void> {
    const admin = this.requireAdmin();
    const { destination: topic, group } = this.target;
    const exists = (await admin.listTopics()).includes(topic);
    if (!exists && !this.target.create) throw new Error(`Kafka topic "${topic}" does not exist`);
    if (!exists) await this.createTopic(admin);
    // Committed offsets first, then log-end: the same order as every lag reading (see kafka-lag.ts).
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const logOffsets = await admin.fetchTopicOffsets(topic);
    if (!this.target.create) await this.checkGroup(admin, committed?.partitions ?? []);
    this.runStartOffsets = logEndByPartition(logOffsets);
    const neverCommitted = (committed?.partitions ?? []).filter((p) => Number(p.offset) < 0);
    const uncommitted = new Set(neverCommitted.map((p) => p.partition));
    const floors = new Map([...this.runStartOffsets].filter(([partition]) => uncommitted.has(partition)));
    this.runStart = { floors, seeked: new Set() };
  }

  private async createTopic(admin: Admin): Promise<void> {
    const topic = this.target.destination;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        // -1: the broker's num.partitions / default.replication.factor.
        topics: [
          {
            topic,
            numPartitions: this.options.partitions ?? -1,
            replicationFactor: this.options.replicationFactor ?? -1,
          },
        ],
      });
      this.createdTopic = true;
    } catch (error) {
      // Another thread of this run (or another client) may have created it in the meantime.
      if ((await admin.listTopics()).includes(topic)) return;
      throw new Error(`cannot create Kafka topic "${topic}" (${kafkaErrorMessage(error)}); create it beforehand`, {
        cause: error,
      });
    }
  }

  /** Produce-only mode: the application's group must exist (see watchedGroupProblem). */
  private async checkGroup(admin: Admin, committed: readonly { offset: string }[]): Promise<void> {
    const { group, destination } = this.target;
    const state = await admin.describeGroups([group]).then(
      (described) => described.groups.find((g) => g.groupId === group)?.state,
      () => 'unanswered' as const,
    );
    const problem = watchedGroupProblem(group, destination, committed, state);
    if (problem !== undefined) throw new Error(problem);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const batcher = this.batcher;
    if (batcher === undefined) throw new PublishError('connection', 'Kafka producer is not connected');
    const record: Message = { key: message.key ?? null, value: message.body, headers: { ...message.headers } };
    try {
      await batcher.add(record);
    } catch (error) {
      const failure = toPublishError(error);
      if (failure.kind === 'connection' && !this.publishDown) {
        this.publishDown = true;
        this.observer.lost(failure);
      }
      throw failure;
    }
    if (this.publishDown) {
      this.publishDown = false;
      this.observer.restored();
    }
  }

  private sendBatch(producer: Producer, messages: Message[]): Promise<void> {
    const acks = this.options.acks === 'all' ? -1 : 1;
    const request = { topic: this.target.destination, acks, timeout: this.target.publishTimeoutMs, messages };
    return producer.send(request).then(() => {});
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const start = this.runStart;
    if (start === undefined) throw new Error('Kafka adapter: consume() before prepare()');
    // kafkajs has no per-consumer record limit: `spec.prefetch` does not apply; records are handled one at a time.
    const settings = {
      topic: this.target.destination,
      groupId: this.target.group,
      commitIntervalMs: this.options.commitIntervalMs,
      start,
    };
    const handle = await startKafkaConsumer(this.kafka, settings, handler, this.observer);
    this.consumers.push(handle);
    return handle;
  }

  async lag(): Promise<LagReading> {
    const admin = this.requireAdmin();
    const topic = this.target.destination;
    const [committed] = await admin.fetchOffsets({ groupId: this.target.group, topics: [topic] });
    const logOffsets = await admin.fetchTopicOffsets(topic);
    return consumerGroupLag(committed?.partitions ?? [], logOffsets, this.runStartOffsets);
  }

  async destroy(): Promise<void> {
    const admin = this.requireAdmin();
    await admin.deleteGroups([this.target.group]);
    if (this.createdTopic) await admin.deleteTopics({ topics: [this.target.destination] });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
      await Promise.all([this.producer?.disconnect(), this.admin?.disconnect()].map((p) => p?.catch(() => {})));
    })();
    return this.closing;
  }

  private requireAdmin(): Admin {
    if (this.admin === undefined) throw new Error('Kafka adapter: not connected');
    return this.admin;
  }
}

function recordBytes(record: Message): number {
  let bytes = 64 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) bytes += name.length + String(value).length;
  return bytes;
}

/**
 * kafkajs logs nothing by default (its own KAFKAJS_LOG_LEVEL=info|debug turns it on); when on, it goes to stderr
 * so it never mixes with a report written to stdout.
 */
const stderrLog: logCreator =
  () =>
  ({ namespace, label, log }: LogEntry): void => {
    const { message, ...extra } = log;
    process.stderr.write(`kafkajs ${label} [${namespace}] ${message} ${JSON.stringify(extra)}\n`);
  };

/** The registry's factory: kafkajs is loaded here, on first use, so runs that never touch Kafka never load it. */
export async function createKafkaAdapter(target: BrokerTarget, observer: ConnectionObserver): Promise<BrokerAdapter> {
  const kafkajs = await import('kafkajs');
  return new KafkaAdapter(kafkajs, target, observer);
}
