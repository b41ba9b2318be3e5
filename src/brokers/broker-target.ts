/**
 * A queue's broker as the planner resolves it and the event engine's adapters read it. Plain data: it crosses into
 * the consumer worker thread.
 */
export interface BrokerTarget {
  /** Broker URL including any credentials; never printed (use `display`). The scheme picked the adapter. */
  readonly url: string;
  /** The URL with credentials removed, for messages and results. */
  readonly display: string;
  /** Queue (RabbitMQ), stream (Redis, JetStream), subject (NATS), topic (Kafka, MQTT). */
  readonly destination: string;
  /**
   * Consumer group (Redis, Kafka), durable consumer (JetStream), or the queue itself (RabbitMQ, where the queue is
   * the group). In produce-only mode this names the application's own group, whose lag is sampled.
   */
  readonly group: string;
  /**
   * True: prepare() creates the queue/stream/group when missing (a test-owned destination).
   * False: it must already exist (the application owns it); prepare() fails with a clear message when it does not.
   */
  readonly create: boolean;
  /** How long the engine waits for a publish confirmation before counting a timeout; adapters may pass it on. */
  readonly publishTimeoutMs: number;
  /**
   * Broker-specific settings from the scenario's `options:` map (e.g. RabbitMQ `managementUrl`, JetStream
   * `stream`). Each broker's zod schema lives in src/brokers/ and is listed in the broker catalogue: the planner
   * checks the map against it, so a typo is exit 2 before any connection; the adapter's constructor parses it again
   * (defaults applied) with the same schema.
   */
  readonly options: Readonly<Record<string, string | number | boolean>>;
}
