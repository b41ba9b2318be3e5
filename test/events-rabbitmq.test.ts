/**
 * Event runs on the local RabbitMQ (127.0.0.1:5672, guest), end to end through the built CLI. The tool's lag is
 * checked against `rabbitmqctl list_queues`, loss against a purge done behind its back, and recovery against
 * `rabbitmqctl close_connection` on its own connections (never the shared broker itself).
 */
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eRecorded,
  exec,
  lagRose,
  runEvents,
  sleep,
  uniqueName,
  waitFor,
  writeEventScenario,
  expectUnreachableBroker,
  CONSUMER_PLACEMENTS,
  runHealthy,
} from './support/events.js';

const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
const queues: string[] = [];
let conn: ChannelModel;
let ch: Channel;

const newQueue = (what: string): string => {
  const q = uniqueName(what);
  queues.push(q);
  return q;
};

beforeAll(async () => {
  conn = await connect(BROKER);
  ch = await conn.createChannel();
});

afterAll(async () => {
  for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
  await conn?.close();
});

/** The broker's own figures, as the operator would read them. */
async function rabbitmqctlDepth(queue: string): Promise<{ ready: number; unacked: number }> {
  const { stdout } = await exec('rabbitmqctl', [
    'list_queues',
    '-q',
    'name',
    'messages_ready',
    'messages_unacknowledged',
  ]);
  const line = stdout.split('\n').find((l) => l.split('\t')[0] === queue);
  if (line === undefined) throw new Error(`queue ${queue} not listed by rabbitmqctl`);
  const [, ready = '', unacked = ''] = line.split('\t');
  return { ready: Number(ready), unacked: Number(unacked) };
}

/** Our connections to the broker, by the name the adapter gives them. */
async function ourConnections(queue: string): Promise<string[]> {
  const { stdout } = await exec('rabbitmqctl', ['list_connections', '-q', 'pid', 'client_properties']);
  return stdout
    .split('\n')
    .filter((l) => l.includes(`"backend-bench ${queue}"`))
    .map((l) => l.split('\t')[0] ?? '')
    .filter((pid) => pid.startsWith('<'));
}

describe('events on RabbitMQ (real broker on 127.0.0.1:5672)', () => {
  // Pinned to one CPU, the consumers run in the publishing thread (a consumer thread would only preempt it).
  it.each(CONSUMER_PLACEMENTS)(
    'healthy run (%s): everything consumed, nothing lost, small e2e p50, no lag at the end, exit 0',
    async (_how, cpus) => {
      const queue = newQueue('healthy');
      const { run, events: e } = await runHealthy(BROKER, [`queue: ${queue}`, 'consumers: 2', 'size: 512'], cpus);
      expect(e?.foreign).toBe(0);
      expect(e?.lag.source).toBe('rabbitmq checkQueue (messages ready) + unacknowledged counted by our consumers');
      expect(run.stdout).toMatch(/Events amqp:\/\/\*\*\*@127\.0\.0\.1:5672/);
      expect(await rabbitmqctlDepth(queue)).toEqual({ ready: 0, unacked: 0 });
    },
  );

  it('slow consumer: lag rises, the lag SLO fails (exit 1), and the final lag matches rabbitmqctl', async () => {
    const queue = newQueue('slow');
    // 100/s in, one consumer at ~40/s out: the queue grows by ~60 a second; a 1 s drain leaves most of it behind.
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`queue: ${queue}`, 'consumers: 1', 'prefetch: 10', 'processingDelay: 25ms'],
      load: '{ rate: 100, duration: 4s }',
      drain: '1s',
      slos: ['queue:orders lag_max < 50', 'lost = 0'],
    });
    const { run, events: e } = await runEvents(file);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✗ FAIL\s+queue:orders lag_max < 50/);
    expect(run.stdout).toMatch(/✓ pass\s+lost = 0/);
    expect(e).toBeDefined();
    if (e === undefined) return;
    expect(lagRose(e)).toBe(true);
    expect(e.lag.max).toBeGreaterThan(100);
    // After the run our consumers are gone, so everything left is ready: the broker's count and ours must agree.
    const depth = await rabbitmqctlDepth(queue);
    expect(depth.unacked).toBe(0);
    expect(Math.abs(depth.ready - (e.lag.final ?? -1))).toBeLessThanOrEqual(2);
    expect(e.undelivered).toBe(depth.ready);
    expect(e.lost).toBe(0);
    expect(e.consumed + e.undelivered).toBe(e.acked);
    // Undelivered messages sit in the e2e tail at their age, so the slowest is at least the drain long.
    expect(e.e2eLatencyMs.max).toBeGreaterThan(1000);
  });

  it("loss detection: a purge behind the tool's back is reported as lost", async () => {
    const queue = newQueue('purge');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`queue: ${queue}`, 'consumers: 1', 'prefetch: 5', 'processingDelay: 20ms'],
      load: '{ rate: 150, duration: 3s }',
      drain: '20s',
    });
    // Declared as the tool declares it (durable), so the test can watch its depth from the start.
    await ch.assertQueue(queue, { durable: true });
    let purged = 0;
    const purging = (async () => {
      // Waits for 110 ready, so that the 100 asserted below are there at the purge: the consumer may take one or
      // two between the check and the purge (CI once purged 99 after seeing 100).
      await waitFor(async () => (await ch.checkQueue(queue)).messageCount >= 110, 10_000);
      purged = (await ch.purgeQueue(queue)).messageCount;
    })();
    const { run, events: e } = await runEvents(file);
    await purging;
    expect(run.code, run.stderr).toBe(0);
    expect(purged).toBeGreaterThanOrEqual(100);
    expect(e?.lost).toBe(purged);
    expect(e?.undelivered).toBe(0);
    expect((e?.consumed ?? 0) + purged).toBe(e?.acked);
    expect(run.stdout).toMatch(new RegExp(`orders\\s+450\\s+\\S+\\s+${450 - purged} `));
  });

  it('connection closed by the broker mid-run: the run reconnects, counts it and writes its result', async () => {
    const queue = newQueue('drop');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`queue: ${queue}`, 'consumers: 1'],
      load: '{ rate: 100, duration: 5s }',
    });
    let closed = 0;
    const killing = (async () => {
      await waitFor(async () => (await ourConnections(queue)).length >= 2, 15_000);
      await sleep(1500);
      for (const pid of await ourConnections(queue)) {
        await exec('rabbitmqctl', ['close_connection', pid, 'backend-bench test: connection dropped on purpose']);
        closed++;
      }
    })();
    const { run, events: e } = await runEvents(file);
    await killing;
    expect(closed).toBeGreaterThanOrEqual(2);
    expect([0, 1]).toContain(run.code);
    expect(run.stderr).not.toMatch(/unexpected error|Unhandled|at .*\.js:\d+/);
    expect(e?.connectionDrops).toBeGreaterThanOrEqual(1);
    expect(e?.attempted).toBe(500);
    expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(500);
    // Publishing and consuming resumed after the reconnect: most messages made it through.
    expect(e?.acked).toBeGreaterThan(350);
    expect(e?.consumed).toBeGreaterThan(350);
    expect(run.stdout).toMatch(/broker connection lost (\d+)×, reconnected \1×/);
  });

  it("produce-only: publishes to the application's queue and reports its depth; nothing lost, no e2e figures", async () => {
    const queue = newQueue('app');
    await ch.assertQueue(queue, { durable: true });
    // The application: a consumer of its own that acknowledges every message at once. Its queue ends empty, so
    // if the run tracked sequences without consuming, every message would look gone from the broker: lost.
    const app = await conn.createChannel();
    let appConsumed = 0;
    const envelopes = new Set<string>();
    await app.prefetch(10);
    await app.consume(queue, (m) => {
      if (m === null) return;
      appConsumed++;
      // What an application sees: the envelope in the message-id property, not among the headers.
      const inHeaders = Object.keys(m.properties.headers ?? {}).includes('x-bb-envelope');
      envelopes.add(`${String(m.properties.messageId).split(' ')[0]} ${inHeaders}`);
      app.ack(m);
    });
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`queue: ${queue}`, 'mode: produce-only'],
      load: '{ rate: 100, duration: 2s }',
      drain: '5s',
      slos: ['lost = 0', 'lag_final = 0'],
    });
    const { run, events: e } = await runEvents(file);
    await waitFor(() => appConsumed >= 200, 5000);
    await app.close();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(e).toMatchObject({ attempted: 200, acked: 200, consumed: 0, lost: 0, undelivered: 0, duplicates: 0 });
    expect(appConsumed).toBe(200);
    expect([...envelopes]).toEqual(['v1 false']);
    expect(e2eRecorded(e)).toBe(0);
    expect(e?.lag.final).toBe(0);
    expect(e?.lag.source).toBe(
      "rabbitmq checkQueue (messages ready); unacknowledged not included (a lower bound: see the adapter's options)",
    );
    expect(run.stdout).toMatch(/not consumed/);
    expect(run.stdout).not.toMatch(/produce → consume/);
  });

  it('an unreachable broker is exit 3, naming the URL without its password', async () => {
    await expectUnreachableBroker('amqp://guest:s3cret-pw@127.0.0.1:1', 'queue: never-created');
  });
});
