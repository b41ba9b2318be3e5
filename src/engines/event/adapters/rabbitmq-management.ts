import type { BrokerTarget, LagReading } from '../broker-adapter.js';

const TIMEOUT_MS = 2000;

/**
 * Queue figures from the RabbitMQ management API (GET /api/queues/{vhost}/{queue}). Unlike checkQueue it counts
 * unacknowledged messages too, including those held by consumers that are not ours. Its statistics refresh every
 * few seconds (collect_statistics_interval), which the source label says.
 */
export class RabbitManagement {
  private readonly endpoint: string;
  private readonly authorization: string | undefined;

  constructor(managementUrl: string, target: BrokerTarget) {
    const mgmt = new URL(managementUrl);
    const amqp = new URL(target.url);
    // Credentials of the management URL, else those of the broker URL (RabbitMQ users are the same).
    const user = decodeURIComponent(mgmt.username || amqp.username || 'guest');
    const pass = decodeURIComponent(mgmt.password || amqp.password || 'guest');
    this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    mgmt.username = '';
    mgmt.password = '';
    const vhost = decodeURIComponent(amqp.pathname.replace(/^\//, '')) || '/';
    const base = mgmt.toString().replace(/\/$/, '');
    this.endpoint = `${base}/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(target.destination)}`;
  }

  async queueLag(): Promise<LagReading> {
    const res = await fetch(this.endpoint, {
      headers: this.authorization === undefined ? {} : { authorization: this.authorization },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`management API answered ${res.status} ${res.statusText}`);
    const body = (await res.json()) as { messages_ready?: unknown; messages_unacknowledged?: unknown };
    const ready = Number(body.messages_ready ?? 0);
    const unacknowledged = Number(body.messages_unacknowledged ?? 0);
    return {
      messages: ready + unacknowledged,
      parts: { ready, unacknowledged },
      source: 'rabbitmq management API (messages_ready + messages_unacknowledged, refreshed every few seconds)',
      excludesUnacked: false,
    };
  }
}
