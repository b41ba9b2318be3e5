/**
 * The one contract between the event engine and a message broker. One adapter per broker, one file each under
 * adapters/, chosen by URL scheme in adapter-registry.ts (the schemes are listed in src/brokers/catalogue.ts). The
 * engine owns everything that is the same for every broker (schedule, envelope, sequence tracking, latency, lag
 * sampling cadence, retries of failed starts); an adapter only moves bytes with the broker's real client library
 * and reads the broker's own lag figure.
 *
 * Threads: the engine publishes and samples lag from the main thread, and runs consumers in a worker thread
 * (a consumer sharing an event loop with a busy publisher starves, which would show up as latency the system
 * under test never had). So an adapter is created once per thread from the same BrokerTarget, which therefore
 * holds plain, structured-cloneable data only.
 */
import type { BrokerTarget } from '../../brokers/broker-target.js';
import type { PublishErrorKind } from '../../metrics/event-recorder.js';

// Part of the adapter contract; defined with the catalogue because the planner builds it.
export type { BrokerTarget };

/** What the engine publishes. */
export interface OutgoingMessage {
  readonly body: Buffer;
  /**
   * Header name → value, always including the engine's envelope header. The adapter maps these onto the broker's
   * native headers (AMQP headers table, NATS headers, Kafka record headers, Redis stream fields, MQTT 5 user
   * properties) and must deliver them back unchanged in Delivery.headers.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Partition / routing key where the broker has one (Kafka record key); adapters without one ignore it. */
  readonly key?: string;
}

/** What a consumer received. */
export interface Delivery {
  readonly body: Buffer;
  /** The headers published with the message (see OutgoingMessage.headers). Missing ones are simply absent. */
  readonly headers: Readonly<Record<string, string>>;
  /** The broker's own redelivery flag where it has one (AMQP redelivered, JetStream redelivered, Redis retries). */
  readonly redelivered: boolean;
}

/**
 * Receives deliveries. It never rejects (the engine catches its own errors). The adapter acknowledges a delivery to
 * the broker only after the returned promise resolves, so a slow handler is a slow consumer as the broker sees it.
 */
export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface ConsumerSpec {
  /** 0-based index of this consumer within the run; adapters name per-consumer objects `${group}-${index}`. */
  readonly index: number;
  /**
   * Most deliveries this consumer may hold unacknowledged: AMQP basic.qos prefetch, JetStream pull batch /
   * max_ack_pending share, Redis XREADGROUP COUNT. The engine processes a consumer's deliveries one at a time,
   * so with a processing delay the broker sees at most `prefetch` messages unacknowledged per consumer.
   */
  readonly prefetch: number;
}

export interface ConsumerHandle {
  /** Stops taking deliveries; deliveries already handed to the handler are still acknowledged. Idempotent. */
  stop(): Promise<void>;
}

/** Queue lag as the broker itself reports it, for the consumer group / queue of the BrokerTarget. */
export interface LagReading {
  /** Messages not yet consumed, by the broker's own definition (see `source`); never negative. */
  readonly messages: number;
  /** The figures it was summed from, under the broker's names, e.g. { ready: 12, unacknowledged: 3 }. */
  readonly parts: Readonly<Record<string, number>>;
  /**
   * What was read, for the result's `lag.source`, e.g. "rabbitmq management API (messages_ready +
   * messages_unacknowledged)", "jetstream consumer info (num_pending + num_ack_pending)".
   */
  readonly source: string;
  /**
   * True when `messages` leaves out deliveries handed to consumers but not yet acknowledged (amqplib checkQueue
   * counts ready messages only). The engine then adds its own count of those when it runs the consumers, and
   * says so in the result; in produce-only mode the figure stays a lower bound and the source says that too.
   */
  readonly excludesUnacked: boolean;
}

/** Why a publish failed ('nack' | 'timeout' | 'connection' | 'other'); the events section counts each. */
export type { PublishErrorKind };

/** Adapters reject publish() with this so the engine can count failures by kind. */
export class PublishError extends Error {
  constructor(
    readonly kind: PublishErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** lag() of a broker that keeps no lag figure at all; the message says what to look at instead. */
export class LagUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LagUnavailable';
  }
}

/** Told about connection trouble, so the run can count it and show it; the adapter does the reconnecting. */
export interface ConnectionObserver {
  /** The connection (or channel) dropped after connect() succeeded; the adapter is now reconnecting. */
  lost(error: Error): void;
  /** The adapter is connected again and its consumers are re-established. */
  restored(): void;
  /**
   * The consumer group (or durable) was gone from the broker mid-run, deleted on its own or with its stream, and
   * the adapter created it again; `how` says where it resumed reading, for the run's messages.
   */
  groupRecreated(how: string): void;
}

/**
 * One broker connection (or a small set of them) used for one role in one thread.
 *
 * Lifecycle: connect() → prepare() → publish()/consume()/lag() … → close(). The engine never calls two of
 * connect/prepare/close at once, calls lag() at most once at a time, and may call publish() many times
 * concurrently (up to the scenario's in-flight cap).
 *
 * Connection loss after connect(): the adapter reconnects by itself with backoff (the client library's own
 * mechanism where it has one, e.g. ioredis, nats.js, mqtt.js; its own loop where it has none, e.g. amqplib),
 * reports the drop and the recovery to the ConnectionObserver, and re-establishes its consumers. While it is
 * disconnected, publish() must reject promptly with PublishError('connection') rather than buffer without bound,
 * and lag() rejects. Nothing an adapter does may throw asynchronously out of band (no unhandled rejections,
 * no 'error' events without a listener): a broker going away is a counted error, never a crash.
 */
export interface BrokerAdapter {
  /** Display name of the broker, e.g. "RabbitMQ", "NATS JetStream". */
  readonly broker: string;

  /**
   * Opens the connection. Rejects when the broker cannot be reached or refuses the credentials; the message must not
   * contain credentials (the engine turns it into exit 3 naming `target.display`). Makes one attempt, bounded by a
   * connect timeout of a few seconds: an unreachable broker at start is an error, not something to wait out.
   */
  connect(): Promise<void>;

  /**
   * Makes the destination ready for the run: declares the queue, creates the stream and consumer group/durable
   * when `target.create` (idempotent: an existing one is reused as it is), or checks that they exist when not.
   * Called once per adapter after connect(), before any publish() or consume().
   */
  prepare(): Promise<void>;

  /**
   * Publishes one message and resolves once the broker has confirmed it (AMQP publisher confirm, JetStream
   * PubAck, XADD reply, Kafka acks=all, MQTT PUBACK at QoS 1). Rejects with PublishError: 'nack' when the broker
   * refused it, 'connection' when disconnected, 'timeout' if the adapter's own client timed out. The engine also
   * races it against `target.publishTimeoutMs` and counts a timeout itself, so the adapter need not.
   */
  publish(message: OutgoingMessage): Promise<void>;

  /**
   * Starts one consumer in the target's group and resolves once it is subscribed (deliveries may follow at
   * once). At-least-once: each delivery is acknowledged after `handler` resolves; nothing is acknowledged
   * before. Competing consumers share the group's messages (AMQP queue, Redis group, JetStream durable, Kafka
   * group). The consumer survives reconnects (see the class comment). The engine starts a run's consumers with
   * concurrent consume() calls (Kafka members joining together share one rebalance), so each call sets up its own
   * channel / connection / group member without waiting on another's.
   */
  consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle>;

  /**
   * Reads the broker's own lag figure for `target.group` on `target.destination` (see LagReading). Called about
   * once a second; rejects on failure (the engine counts it and keeps sampling). A broker that keeps no such figure
   * (MQTT) rejects with LagUnavailable: the run then reports lag as null, with the client-side backlog and time
   * lag beside it, and does not count it as an error.
   */
  lag(): Promise<LagReading>;

  /**
   * Deletes what prepare() created (queue, stream, consumer group). Called at the end only when the scenario
   * asks for cleanup and `target.create` was true; optional for brokers where it makes no sense.
   */
  destroy?(): Promise<void>;

  /**
   * Optional. Runs the client library's publish and consume paths `count` times on a scratch destination of the
   * adapter's own (created here, made to vanish even if the process is killed where the broker allows it, removed
   * at the end), never on the run's, with messages shaped like `sample`. Called after prepare() and before the
   * clock, once per thread per broker (warm-up.ts), so that the run's first second does not measure V8 compiling
   * the library. Resolves with how many messages came back to its consumer. Ends early at `signal`; may reject
   * (the run then starts cold, nothing is reported).
   */
  warmUp?(sample: OutgoingMessage, count: number, signal: AbortSignal): Promise<number>;

  /** Stops consumers and closes connections. Idempotent; never rejects. */
  close(): Promise<void>;
}

/**
 * Builds an adapter. Registered in adapter-registry.ts under its URL scheme; it loads the client library with a
 * dynamic import so an HTTP run never pays for broker clients at start-up. Does not connect.
 */
export type AdapterFactory = (target: BrokerTarget, observer: ConnectionObserver) => Promise<BrokerAdapter>;
