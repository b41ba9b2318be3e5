import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, connect, headers as natsHeaders } from '@nats-io/transport-node';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  type ConsumerHandle,
  type ConsumerSpec,
  type Delivery,
  type DeliveryHandler,
  type LagReading,
  type OutgoingMessage,
  PublishError,
} from '../broker-adapter.js';
import { InFlight } from './in-flight.js';
import { JetStreamPublisher } from './jetstream-publisher.js';
import { scratchName, UNOBSERVED, warmUpTwin } from '../warm-up.js';
import { NatsJetStreamOptions } from '../../../brokers/nats-jetstream-options.js';
import { parseAdapterOptions } from './options.js';

/**
 * NATS JetStream with the @nats-io packages: publish to a subject captured by a stream and wait for the PubAck; a
 * durable pull consumer (explicit acks) shared by our consumers; lag from the consumer's own info
 * (num_pending + num_ack_pending). nats.js reconnects by itself; its pull consumers resume after a reconnect.
 */

const CONNECT_TIMEOUT_MS = 3000;
/** How long stop() waits for deliveries already handed out to be processed and acknowledged. */
const STOP_WAIT_MS = 15_000;

const streamNameOf = (subject: string): string => subject.replace(/[^A-Za-z0-9_-]/g, '_');

/** The message as our consumers see it. */
function deliveryOf(m: JsMsg): Delivery {
  const headers: Record<string, string> = {};
  for (const k of m.headers?.keys() ?? []) headers[k] = m.headers?.get(k) ?? '';
  return { body: Buffer.from(m.data), headers, redelivered: m.redelivered };
}

export class NatsJetStreamAdapter implements BrokerAdapter {
  readonly broker = 'NATS JetStream';
  private readonly options: NatsJetStreamOptions;
  private readonly stream: string;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private publisher: JetStreamPublisher | undefined;
  private jsm: JetStreamManager | undefined;
  private connected = false;
  private closing = false;
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly resubscribers: (() => Promise<void>)[] = [];
  /** The stream sequence after the newest message our consumers read (or the stream's end at prepare). */
  private nextSeq = 1;
  private recreating: Promise<void> | undefined;
  /** A durable not ours was deleted: reported once, as a loss that never recovers. */
  private durableGone = false;

  constructor(
    private readonly target: BrokerTarget,
    private readonly observer: ConnectionObserver,
  ) {
    this.options = parseAdapterOptions(NatsJetStreamOptions, target, 'nats');
    this.stream = this.options.stream ?? streamNameOf(target.destination);
  }

  async connect(): Promise<void> {
    const url = new URL(this.target.url);
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    this.nc = await connect({
      servers: url.host,
      timeout: CONNECT_TIMEOUT_MS,
      name: `backend-bench ${this.target.destination}`,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // Without it nats.js builds two Error objects (stack traces included) for every request, a PubAck wait
      // among them: the biggest cost of a publish in the profile. A timeout still says what timed out.
      noAsyncTraces: true,
      ...(user === '' ? {} : { user, pass }),
    });
    this.connected = true;
    this.js = jetstream(this.nc, { timeout: this.target.publishTimeoutMs });
    this.publisher = new JetStreamPublisher(this.nc, this.target.publishTimeoutMs);
    this.jsm = await jetstreamManager(this.nc);
    void this.watch(this.nc);
  }

  /** Connection status → observer; a disconnect makes publish() fail fast until the reconnect. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' && this.connected) {
        this.connected = false;
        if (!this.closing) this.observer.lost(new Error(`disconnected from NATS ${s.server}`));
      } else if (s.type === 'reconnect' && !this.connected) {
        this.connected = true;
        this.observer.restored();
      }
    }
  }

  private manager(): JetStreamManager {
    if (this.jsm === undefined) throw new Error('not connected to NATS');
    return this.jsm;
  }

  async prepare(): Promise<void> {
    const jsm = this.manager();
    const { destination: subject, group: durable } = this.target;
    if (!this.target.create) {
      await jsm.consumers.info(this.stream, durable).catch((err: unknown) => {
        throw new Error(`no durable consumer "${durable}" on stream "${this.stream}": ${(err as Error).message}`, {
          cause: err,
        });
      });
      return;
    }
    const existing = await jsm.streams.info(this.stream).catch(() => undefined);
    if (existing === undefined) await this.addStream(jsm);
    this.nextSeq = (existing?.state.last_seq ?? 0) + 1;
    const consumer = await jsm.consumers.info(this.stream, durable).then(
      () => true,
      () => false,
    );
    if (!consumer) {
      // From "new": messages left in the stream by earlier runs are not ours to count.
      await jsm.consumers.add(this.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: subject,
      });
    }
  }

  private async addStream(jsm: JetStreamManager): Promise<void> {
    await jsm.streams.add({
      name: this.stream,
      subjects: [this.target.destination],
      storage: this.options.storage === 'memory' ? StorageType.Memory : StorageType.File,
      retention: this.options.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    });
  }

  /**
   * The durable (or its whole stream) was deleted mid-run: nats.js keeps pulling, and gets messages again once the
   * durable exists. When it is ours to create it is made again, once however many consumers noticed: reading
   * from the sequence after the newest one we read when the stream survived (not "new": that would skip what was
   * published since the loss, which the stream holds, and count it lost), from the start of a stream made again
   * (it holds only what was published since). When the durable is not ours (create: false), our consumers are
   * reported down, so the run fails saying so rather than consuming nothing in silence.
   */
  private recreateConsumer(): Promise<void> {
    this.recreating ??= (async () => {
      const jsm = this.manager();
      const { group: durable, destination: subject } = this.target;
      if (
        await jsm.consumers.info(this.stream, durable).then(
          () => true,
          () => false,
        )
      )
        return;
      if (!this.target.create) {
        if (!this.durableGone)
          this.observer.lost(new Error(`durable consumer "${durable}" was deleted from stream "${this.stream}"`));
        this.durableGone = true;
        return;
      }
      const streamGone = (await jsm.streams.info(this.stream).catch(() => undefined)) === undefined;
      if (streamGone) {
        await this.addStream(jsm);
        this.nextSeq = 1; // a new stream numbers its messages from 1 again
      }
      const from = streamGone
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.nextSeq };
      await jsm.consumers.add(this.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: subject,
        ...from,
      });
      await Promise.all(this.resubscribers.map((r) => r()));
      this.observer.groupRecreated(
        streamGone
          ? `stream "${this.stream}" and durable "${durable}" created again`
          : `durable "${durable}" created again from sequence ${this.nextSeq}`,
      );
    })().finally(() => (this.recreating = undefined));
    return this.recreating;
  }

  /** Watches a consumer's notifications for the durable (or its stream) going missing. */
  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (this.closing) return;
      if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found')
        await this.recreateConsumer().catch(() => undefined); // failed: the next notification tries again
    }
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const publisher = this.publisher;
    if (publisher === undefined || !this.connected)
      throw new PublishError('connection', 'not connected to NATS (reconnecting)');
    const h = natsHeaders();
    for (const [k, v] of Object.entries(message.headers)) h.set(k, v);
    await publisher.publish(this.target.destination, message.body, h);
  }

  /**
   * A twin on a scratch stream of our own, in memory, deleted at the end: cold, nats.js's parser, header codec and
   * message classes kept the first 450 ms of a 7,500 msg/s run busy and its starts up to 70 ms late
   * (docs/benchmarks.md, "Warming the client library").
   */
  warmUp(sample: OutgoingMessage, count: number, signal: AbortSignal): Promise<number> {
    const name = scratchName(this.stream);
    const options = { stream: name, storage: 'memory' };
    const twin = new NatsJetStreamAdapter(
      { ...this.target, destination: name, group: 'warmup', create: true, options },
      UNOBSERVED,
    );
    return warmUpTwin(twin, sample, count, signal);
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const js = this.js;
    if (js === undefined) throw new Error('not connected to NATS');
    const held = new InFlight();
    const deliver = (m: JsMsg): void => {
      held.add();
      if (m.seq >= this.nextSeq) this.nextSeq = m.seq + 1;
      void handler(deliveryOf(m)).then(() => {
        m.ack();
        held.done();
      });
    };
    let stopping = false;
    const subscribe = async (): Promise<{ messages: ConsumerMessages; loop: Promise<void> }> => {
      const consumer = await js.consumers.get(this.stream, this.target.group);
      const messages = await consumer.consume({ max_messages: spec.prefetch });
      void this.watchConsumer(messages).catch(() => undefined);
      const loop = (async () => {
        for await (const m of messages) {
          // At most `prefetch` handed out and unacknowledged; the iterator's own buffer holds the next ones.
          while (held.count >= spec.prefetch && !stopping) await held.next();
          if (stopping) break;
          deliver(m);
        }
      })().catch(() => undefined);
      return { messages, loop };
    };
    let current = await subscribe();
    // After the durable was made again: a fresh pull subscription (the old one keeps waiting on the deleted one).
    this.resubscribers.push(async () => {
      if (stopping) return;
      await current.messages.close().catch(() => undefined);
      await current.loop;
      current = await subscribe();
    });
    const stop = async (): Promise<void> => {
      stopping = true;
      await current.messages.close().catch(() => undefined);
      await current.loop;
      // What was handed out is processed and acknowledged; what the iterator still buffered is redelivered by the
      // server after ack_wait (it shows as num_ack_pending until then).
      await held.idle(STOP_WAIT_MS);
    };
    this.stops.push(stop);
    return { stop };
  }

  async lag(): Promise<LagReading> {
    const info = await this.manager().consumers.info(this.stream, this.target.group);
    const pending = info.num_pending;
    const ackPending = info.num_ack_pending;
    return {
      messages: pending + ackPending,
      parts: { num_pending: pending, num_ack_pending: ackPending },
      source: 'jetstream consumer info (num_pending + num_ack_pending)',
      excludesUnacked: false,
    };
  }

  async destroy(): Promise<void> {
    await this.manager().streams.delete(this.stream);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.stops.splice(0).map((s) => s()));
    this.publisher?.close();
    await this.nc?.drain().catch(() => this.nc?.close());
  }
}
