import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerTarget } from '../broker-adapter.js';
import { RabbitManagement } from './rabbitmq-management.js';

/** The management API client against a stand-in HTTP server on loopback: request shape and reply parsing. */

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

async function serve(
  reply: (req: IncomingMessage) => { status: number; body: unknown },
): Promise<{ url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  server = createServer((req, res) => {
    seen.push(req);
    const r = reply(req);
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const target = (url: string): BrokerTarget => ({
  url,
  display: '',
  destination: 'orders.v1',
  group: '',
  create: true,
  publishTimeoutMs: 1000,
  options: {},
});

describe('RabbitManagement', () => {
  it("reads ready + unacknowledged of the queue in the URL's vhost, with the management URL's credentials", async () => {
    const { url, seen } = await serve(() => ({
      status: 200,
      body: { messages_ready: 12, messages_unacknowledged: 3, messages: 15 },
    }));
    const mgmt = new RabbitManagement(
      url.replace('http://', 'http://admin:p%40ss@'),
      target('amqp://guest:guest@127.0.0.1:5672/shop'),
    );
    const lag = await mgmt.queueLag();
    expect(lag).toMatchObject({ messages: 15, parts: { ready: 12, unacknowledged: 3 }, excludesUnacked: false });
    expect(lag.source).toMatch(/^rabbitmq management API \(messages_ready \+ messages_unacknowledged/);
    expect(seen[0]?.url).toBe('/api/queues/shop/orders.v1');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:p@ss').toString('base64')}`);
  });

  it('uses the default vhost "/" and the broker URL\'s credentials when the management URL has none', async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: { messages_ready: 0, messages_unacknowledged: 0 } }));
    await new RabbitManagement(url, target('amqp://bench:secret@127.0.0.1:5672')).queueLag();
    expect(seen[0]?.url).toBe('/api/queues/%2F/orders.v1');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('bench:secret').toString('base64')}`);
  });

  it('an error status is a failed reading, not a zero', async () => {
    const { url } = await serve(() => ({ status: 404, body: { error: 'Object Not Found' } }));
    await expect(new RabbitManagement(url, target('amqp://127.0.0.1')).queueLag()).rejects.toThrow(/answered 404/);
  });
});
