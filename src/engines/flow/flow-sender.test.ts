import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { validateScenario } from '../../scenario/load.js';
import { planScenario } from '../../scenario/plan.js';
import { FlowSender, PoolSet } from './flow-sender.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

/** A raw server that answers each request with `reply(socket)`; closed with the test. */
async function rawServer(reply: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.once('data', () => reply(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function sendOne(url: string, timeout: string, step: Record<string, unknown> = {}) {
  const plan = planScenario(
    validateScenario(
      {
        services: { api: { url, timeout } },
        flows: [{ name: 'f', steps: [{ service: 'api', path: '/', ...step }] }],
        load: { rate: 1, duration: '1s' },
      },
      'test',
    ),
  );
  const flows = plan.flows!;
  const pools = new PoolSet(1);
  cleanups.push(() => pools.close());
  const sender = new FlowSender(pools, url, flows.services[0]!.timeoutMs);
  const started = performance.now();
  const outcome = await sender.send(
    flows.steps[0]!,
    { seq: 0 },
    {},
    '00-' + '1'.repeat(32) + '-' + '2'.repeat(16) + '-01',
  );
  return { outcome, ms: performance.now() - started };
}

describe('FlowSender', () => {
  it('has one deadline over the whole exchange: headers in time and the body late is a timeout', async () => {
    const url = await rawServer((s) => {
      setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'), 300);
      setTimeout(() => s.write('ok'), 600);
    });
    const { outcome, ms } = await sendOne(url, '500ms');
    expect(outcome).toMatchObject({
      error: 'timeout',
      hasLatency: true,
      message: 'no complete response within 500 ms',
    });
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(590);
  });

  it('counts a malformed response as malformed_response', async () => {
    const url = await rawServer((s) => s.write('HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n'));
    const { outcome } = await sendOne(url, '2s');
    expect(outcome).toMatchObject({ error: 'malformed_response', hasLatency: true });
  });

  it('fails a body over the kept maximum as body_too_large when a check reads it', async () => {
    const size = 1024 * 1024 + 1;
    const url = await rawServer((s) =>
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n${'a'.repeat(size)}`),
    );
    const { outcome } = await sendOne(url, '5s', { checks: [{ contains: 'a' }] });
    expect(outcome).toMatchObject({ error: 'body_too_large', status: 200 });
  });
});
