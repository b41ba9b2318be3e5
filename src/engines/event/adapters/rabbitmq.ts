import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Options,
  type RecoveringChannelModel,
  connect,
} from 'amqplib';
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
import { ENVELOPE_HEADER, isEnvelope } from '../envelope.js';
import { InFlight } from './in-flight.js';
import { RabbitAcks } from './rabbitmq-acks.js';
import { parseAdapterOptions } from './options.js';
import { RabbitMqOptions } from '../../../brokers/rabbitmq-options.js';
import { RabbitManagement } from './rabbitmq-management.js';
import { scratchName, UNOBSERVED, warmUpTwin } from '../warm-up.js';

/**
 * RabbitMQ (AMQP 0-9-1) with amqplib: publisher confirms on a confirm channel to the default exchange, one channel
 * per consumer with basic.qos prefetch and manual acks. Reconnection is amqplib's own recovery (exponential backoff
 * with jitter); after each reconnect the channels and consumers are made again. Lag is messages_ready +
 * messages_unacknowledged from the management API when `options.managementUrl` is set; otherwise checkQueue's
 * ready count, to which the engine adds the unacknowledged deliveries its own consumers hold.
 */

const CONNECT_TIMEOUT_MS = 3000;
/** A warm-up's scratch queue goes this long after its last use, in case the process dies before deleting it. */
const SCRATCH_EXPIRES_MS = 60_000;

interface ConsumerState {
  spec: ConsumerSpec;
  handler: DeliveryHandler;
  active: boolean;
  channel: Channel | undefined;
  tag: string | undefined;
  held: InFlight;
}

/** How long stop() waits for deliveries already handed out to be processed and acknowledged. */
const STOP_WAIT_MS = 15_000;

function headerText(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

export class RabbitMqAdapter implements BrokerAdapter {
  readonly broker = 'RabbitMQ';
  private readonly options: RabbitMqOptions;
  private readonly management: RabbitManagement | undefined;
  private model: RecoveringChannelModel | undefined;
  /** The live connection, replaced on every reconnect; undefined while disconnected. */
  private raw: ChannelModel | undefined;
  private publisher: ConfirmChannel | undefined;
  private inspector: Channel | undefined;
  private readonly consumers: ConsumerState[] = [];
  private down = false;
  private closing = false;
  private redeclaring: Promise<void> | undefined;
  /** A warm-up's scratch queue: the broker deletes it once it has gone this long unused (x-expires). */
  private expiresMs: number | undefined;

  constructor(
    private readonly target: BrokerTarget,
    private readonly observer: ConnectionObserver,
  ) {
    this.options = parseAdapterOptions(RabbitMqOptions, target, 'amqp');
    const url = this.options.managementUrl;
    this.management = url === undefined ? undefined : new RabbitManagement(url, target);
  }

  async connect(): Promise<void> {
    this.model = await connect(this.target.url, {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: `backend-bench ${this.target.destination}` },
      recovery: {
        // One attempt at start (an unreachable broker is an error); after that, retry for as long as the run lasts.
        initialMaxRetries: 0,
        maxRetries: Infinity,
        initialDelay: 100,
        maxDelay: 2000,
        setup: (model: ChannelModel) => this.setup(model),
      },
    });
    this.model.on('error', () => undefined);
    this.model.on('disconnect', (err: Error) => {
      this.raw = undefined;
      this.publisher = undefined;
      this.inspector = undefined;
      for (const c of this.consumers) c.channel = undefined;
      if (this.closing || this.down) return;
      this.down = true;
      this.observer.lost(err);
    });
  }

  /** After every (re)connect: a fresh confirm channel, and every active consumer subscribed again. */
  private async setup(model: ChannelModel): Promise<void> {
    model.on('error', () => undefined);
    this.raw = model;
    const publisher = await model.createConfirmChannel();
    publisher.on('error', () => undefined);
    publisher.on('close', () => {
      if (this.publisher === publisher) this.publisher = undefined;
    });
    this.publisher = publisher;
    for (const c of this.consumers) if (c.active) await this.subscribe(model, c);
    if (this.down) {
      this.down = false;
      this.observer.restored();
    }
  }

  private connection(): ChannelModel {
    if (this.raw === undefined) throw new Error('not connected to RabbitMQ');
    return this.raw;
  }

  async prepare(): Promise<void> {
    const ch = await this.connection().createChannel();
    ch.on('error', () => undefined);
    try {
      if (this.target.create) await ch.assertQueue(this.target.destination, this.queueOptions());
      else await ch.checkQueue(this.target.destination);
    } catch (err) {
      const text = (err as Error).message;
      throw new Error(/NOT_FOUND|404/.test(text) ? `queue "${this.target.destination}" does not exist` : text, {
        cause: err,
      });
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  /** How a queue we create is declared. */
  private queueOptions(): Options.AssertQueue {
    return { durable: this.options.durable, ...(this.expiresMs !== undefined && { expires: this.expiresMs }) };
  }

  /**
   * A twin on a scratch queue of our own, not durable, which the broker deletes a minute after its last use should
   * the process die before deleting it: cold, amqplib's frame codec and our confirm handling would be compiled
   * during the run's first second instead (docs/benchmarks.md, "Warming the client library").
   */
  warmUp(sample: OutgoingMessage, count: number, signal: AbortSignal): Promise<number> {
    const queue = scratchName(this.target.destination);
    const options = { durable: false };
    const twin = new RabbitMqAdapter(
      { ...this.target, destination: queue, group: queue, create: true, options },
      UNOBSERVED,
    );
    twin.expiresMs = SCRATCH_EXPIRES_MS;
    return warmUpTwin(twin, sample, count, signal);
  }

  publish(message: OutgoingMessage): Promise<void> {
    const ch = this.publisher;
    if (ch === undefined)
      return Promise.reject(new PublishError('connection', 'not connected to RabbitMQ (reconnecting)'));
    return new Promise((resolve, reject) => {
      const done = (err: unknown): void => {
        if (err === null || err === undefined) resolve();
        else
          reject(
            new PublishError(
              err instanceof Error ? 'connection' : 'nack',
              err instanceof Error ? err.message : 'broker nack',
            ),
          );
      };
      try {
        ch.sendToQueue(this.target.destination, message.body, this.properties(message.headers), done);
      } catch (err) {
        reject(new PublishError('connection', (err as Error).message, { cause: err }));
      }
    });
  }

  /**
   * The envelope travels in the message-id property and only the scenario's own headers in the header table
   * (amqplib sends an empty one when there are none): amqplib encodes a table through a generic walk that cost
   * more than the rest of a publish, and several times more while its code was still cold in a run's first second.
   */
  private properties(headers: Readonly<Record<string, string>>): Options.Publish {
    const out: Options.Publish = { persistent: this.options.persistent };
    let table: Record<string, string> | undefined;
    for (const name in headers) {
      const value = headers[name] as string;
      if (name === ENVELOPE_HEADER) out.messageId = value;
      else (table ??= {})[name] = value;
    }
    if (table !== undefined) out.headers = table;
    return out;
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const state: ConsumerState = {
      spec,
      handler,
      active: true,
      channel: undefined,
      tag: undefined,
      held: new InFlight(),
    };
    this.consumers.push(state);
    await this.subscribe(this.connection(), state);
    return {
      stop: async () => {
        state.active = false;
        const ch = state.channel;
        // No new deliveries; those already handed out are processed and acknowledged before the channel closes
        // (closing it would return them to the queue, to be delivered again to nobody).
        if (ch !== undefined && state.tag !== undefined) await ch.cancel(state.tag).catch(() => undefined);
        await state.held.idle(STOP_WAIT_MS);
        state.channel = undefined;
        await ch?.close().catch(() => undefined);
      },
    };
  }

  private async subscribe(model: ChannelModel, c: ConsumerState): Promise<void> {
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    await ch.prefetch(c.spec.prefetch);
    c.channel = ch;
    const acks = new RabbitAcks(ch, () => c.channel === ch);
    const reply = await ch.consume(
      this.target.destination,
      (msg: ConsumeMessage | null) => {
        if (msg === null) return void this.cancelledByBroker(c, ch); // basic.cancel: the queue was deleted
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(msg.properties.headers ?? {})) headers[k] = headerText(v);
        const id: unknown = msg.properties.messageId;
        if (typeof id === 'string' && isEnvelope(id)) headers[ENVELOPE_HEADER] = id;
        c.held.add();
        // The channel may be gone by the time it is acked (reconnect): the broker then redelivers, and duplicates
        // are counted. The delivery stops counting as held once its ack is written (stop() waits for that).
        const handled = acks.hold(msg, () => c.held.done());
        void c.handler({ body: msg.content, headers, redelivered: msg.fields.redelivered }).then(handled);
      },
      { noAck: false },
    );
    c.tag = reply.consumerTag;
  }

  /**
   * basic.cancel from the broker: the queue was deleted under our consumers. When the queue is ours to create it
   * is declared again (once, however many consumers were cancelled; counted as a recreated group) and each
   * consumer subscribes anew: what the deleted queue held is gone, counted as lost at the end. When it is not ours
   * (create: false), the consumer stays down and is reported as a lost connection that never came back, so the
   * run fails saying so rather than consuming nothing in silence.
   */
  private async cancelledByBroker(c: ConsumerState, ch: Channel): Promise<void> {
    if (!c.active || this.closing || c.channel !== ch) return;
    const queue = this.target.destination;
    try {
      if (!this.target.create)
        throw new Error(`queue "${queue}" was deleted (our consumer was cancelled by the broker)`);
      this.redeclaring ??= ch.assertQueue(queue, this.queueOptions()).then(() => {
        this.observer.groupRecreated(`queue "${queue}" was deleted; declared again`);
      });
      await this.redeclaring.finally(() => (this.redeclaring = undefined));
      c.channel = undefined;
      await ch.close().catch(() => undefined);
      await this.subscribe(this.connection(), c);
    } catch (err) {
      this.observer.lost(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async lag(): Promise<LagReading> {
    if (this.management !== undefined) return this.management.queueLag();
    if (this.inspector === undefined) {
      const ch = await this.connection().createChannel();
      ch.on('error', () => undefined);
      ch.on('close', () => {
        if (this.inspector === ch) this.inspector = undefined;
      });
      this.inspector = ch;
    }
    const q = await this.inspector.checkQueue(this.target.destination);
    return {
      messages: q.messageCount,
      parts: { ready: q.messageCount },
      source: 'rabbitmq checkQueue (messages ready)',
      excludesUnacked: true,
    };
  }

  async destroy(): Promise<void> {
    const ch = await this.connection().createChannel();
    ch.on('error', () => undefined);
    await ch.deleteQueue(this.target.destination);
    await ch.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of this.consumers) c.active = false;
    await this.model?.close().catch(() => undefined);
  }
}
