import { randomUUID } from 'node:crypto';
import { type IClientOptions, type MqttClient, connectAsync } from 'mqtt';
import {
  type BrokerAdapter,
  type BrokerTarget,
  type ConnectionObserver,
  type ConsumerHandle,
  type ConsumerSpec,
  type DeliveryHandler,
  type LagReading,
  LagUnavailable,
  type OutgoingMessage,
  PublishError,
} from '../broker-adapter.js';
import { InFlight } from './in-flight.js';
import { MqttOptions } from '../../../brokers/mqtt-options.js';
import { parseAdapterOptions } from './options.js';

/**
 * MQTT 5 with mqtt.js, where it fits: publish at QoS 1 and wait for the PUBACK; consumers share a subscription
 * (`$share/<group>/<topic>`), each on its own connection with Receive Maximum = prefetch, and PUBACK a message only
 * once it is processed. Headers travel as MQTT 5 user properties. MQTT keeps no per-subscription lag, so lag()
 * says so (LagUnavailable) and the run reports the client-side backlog and the age of the oldest unconsumed message instead.
 * A subscription exists only while its session does: messages published before our consumers subscribe, or while
 * they are disconnected, are not kept for them.
 */

const CONNECT_TIMEOUT_MS = 3000;
const RECONNECT_MS = 250;
const STOP_WAIT_MS = 15_000;

function headerText(v: string | string[]): string {
  return Array.isArray(v) ? v.join(',') : v;
}

export class MqttAdapter implements BrokerAdapter {
  readonly broker = 'MQTT';
  private readonly options: MqttOptions;
  private readonly clients: MqttClient[] = [];
  private publisher: MqttClient | undefined;
  private closing = false;

  constructor(
    private readonly target: BrokerTarget,
    private readonly observer: ConnectionObserver,
  ) {
    this.options = parseAdapterOptions(MqttOptions, target, 'mqtt');
  }

  /** One connection: a single attempt at first, then mqtt.js reconnects (and resubscribes) by itself. */
  private async open(extra: IClientOptions = {}): Promise<MqttClient> {
    const client = await connectAsync(
      this.target.url,
      {
        protocolVersion: 5,
        clean: true,
        clientId: `backend-bench-${randomUUID().slice(0, 12)}`,
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectPeriod: 0,
        ...extra,
      },
      false,
    );
    client.options.reconnectPeriod = RECONNECT_MS;
    let down = false;
    client.on('error', () => undefined);
    client.on('close', () => {
      if (down || this.closing) return;
      down = true;
      this.observer.lost(new Error('connection to the MQTT broker closed'));
    });
    client.on('connect', () => {
      if (!down) return;
      down = false;
      this.observer.restored();
    });
    this.clients.push(client);
    return client;
  }

  async connect(): Promise<void> {
    this.publisher = await this.open();
  }

  /** MQTT topics need no declaring. */
  async prepare(): Promise<void> {}

  async publish(message: OutgoingMessage): Promise<void> {
    const client = this.publisher;
    if (client === undefined || !client.connected)
      throw new PublishError('connection', 'not connected to the MQTT broker (reconnecting)');
    try {
      await client.publishAsync(this.target.destination, message.body, {
        qos: this.options.qos,
        properties: { userProperties: { ...message.headers } },
      });
    } catch (err) {
      const e = err as Error & { code?: number };
      // A PUBACK reason code of 0x80 or above is the broker refusing the message.
      throw new PublishError(typeof e.code === 'number' && e.code >= 0x80 ? 'nack' : 'connection', e.message, {
        cause: err,
      });
    }
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<ConsumerHandle> {
    const held = new InFlight();
    let active = true;
    const client = await this.open({
      properties: { receiveMaximum: spec.prefetch },
      // The PUBACK goes out once the message is processed, not on arrival.
      customHandleAcks: (
        _topic,
        message,
        packet: { properties?: { userProperties?: Record<string, string | string[]> } },
        done,
      ) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(packet.properties?.userProperties ?? {})) headers[k] = headerText(v);
        if (!active) return done(0);
        held.add();
        void handler({ body: message, headers, redelivered: false }).then(() => {
          held.done();
          done(0);
        });
      },
    });
    await client.subscribeAsync(`$share/${this.target.group}/${this.target.destination}`, { qos: this.options.qos });
    return {
      stop: async () => {
        active = false;
        await client.unsubscribeAsync(`$share/${this.target.group}/${this.target.destination}`).catch(() => undefined);
        await held.idle(STOP_WAIT_MS);
      },
    };
  }

  /** MQTT keeps no per-subscription lag (see the class comment). */
  async lag(): Promise<LagReading> {
    throw new LagUnavailable('MQTT keeps no per-group lag: client-side backlog only');
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync().catch(() => undefined)));
  }
}
