/**
 * Event runs on the local NATS server with JetStream (127.0.0.1:4222), end to end through the built CLI. The
 * tool's lag is checked against the durable consumer's info read here, loss against a stream purge done behind its
 * back, and recovery by cutting its connections at a TCP relay (the shared server is never restarted).
 */
import { AckPolicy, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import {
  e2eRecorded,
  lagRose,
  runEvents,
  sleep,
  waitFor,
  writeEventScenario,
  expectUnreachableBroker,
  CONSUMER_PLACEMENTS,
  runHealthy,
  natsForSuite,
} from './support/events.js';
import { type TcpProxy, startTcpProxy } from './support/tcp-proxy.js';

const BROKER = 'nats://127.0.0.1:4222';
const nats = natsForSuite();
const { newSubject } = nats;

async function durableLag(stream: string, durable: string): Promise<{ pending: number; ackPending: number }> {
  const info = await nats.jsm.consumers.info(stream, durable);
  return { pending: info.num_pending, ackPending: info.num_ack_pending };
}

describe('events on NATS JetStream (real server on 127.0.0.1:4222)', () => {
  // Pinned to one CPU, the consumers run in the publishing thread (a consumer thread would only preempt it).
  it.each(CONSUMER_PLACEMENTS)(
    'healthy run (%s): everything consumed, nothing lost, small e2e p50, durable lag 0 at the end, exit 0',
    async (_how, cpus) => {
      const { subject, stream } = newSubject('healthy');
      const { events: e } = await runHealthy(
        BROKER,
        [`subject: ${subject}`, 'group: d', 'consumers: 2', 'size: 512'],
        cpus,
      );
      expect(e?.lag.source).toBe('jetstream consumer info (num_pending + num_ack_pending)');
      expect(await durableLag(stream, 'd')).toEqual({ pending: 0, ackPending: 0 });
    },
  );

  it('slow consumer: lag rises, the lag SLO fails (exit 1), and the final lag matches the consumer info', async () => {
    const { subject, stream } = newSubject('slow');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`subject: ${subject}`, 'group: d', 'consumers: 1', 'prefetch: 10', 'processingDelay: 25ms'],
      load: '{ rate: 100, duration: 4s }',
      drain: '1s',
      slos: ['queue:orders lag_max < 50', 'lost = 0'],
    });
    const { run, events: e } = await runEvents(file);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✗ FAIL\s+queue:orders lag_max < 50/);
    expect(e).toBeDefined();
    if (e === undefined) return;
    expect(lagRose(e)).toBe(true);
    expect(e.lag.max).toBeGreaterThan(100);
    const lag = await durableLag(stream, 'd');
    expect(Math.abs(lag.pending + lag.ackPending - (e.lag.final ?? -1))).toBeLessThanOrEqual(2);
    expect(e.undelivered).toBe(lag.pending + lag.ackPending);
    expect(e.consumed + e.undelivered).toBe(e.acked);
    expect(e.lost).toBe(0);
  });

  it("loss detection: a stream purge behind the tool's back is reported as lost", async () => {
    const { subject, stream } = newSubject('purge');
    const prefetch = 5;
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`subject: ${subject}`, 'group: d', 'consumers: 1', `prefetch: ${prefetch}`, 'processingDelay: 20ms'],
      load: '{ rate: 150, duration: 3s }',
      drain: '20s',
    });
    // The stream keeps consumed messages too (limits retention): what the purge takes from the consumer is what
    // it had not yet been delivered, num_pending just before the purge.
    let undeliveredAtPurge = 0;
    const purging = (async () => {
      await waitFor(async () => (await durableLag(stream, 'd').catch(() => ({ pending: 0 }))).pending >= 100, 15_000);
      undeliveredAtPurge = (await durableLag(stream, 'd')).pending;
      await nats.jsm.streams.purge(stream);
    })();
    const { run, events: e } = await runEvents(file);
    await purging;
    expect(run.code, run.stderr).toBe(0);
    expect(undeliveredAtPurge).toBeGreaterThanOrEqual(100);
    // A few messages may be published or pulled between the two requests above.
    expect(Math.abs((e?.lost ?? 0) - undeliveredAtPurge)).toBeLessThanOrEqual(2 * prefetch);
    expect((e?.consumed ?? 0) + (e?.lost ?? 0)).toBe(e?.acked);
  });

  it('connections cut mid-run: the run reconnects, counts it and writes its result', async () => {
    const { subject } = newSubject('cut');
    let proxy: TcpProxy | undefined;
    try {
      proxy = await startTcpProxy(4222);
      const relay = proxy;
      const file = writeEventScenario({
        broker: `nats://127.0.0.1:${relay.port}`,
        queue: [`subject: ${subject}`, 'group: d', 'consumers: 1'],
        load: '{ rate: 100, duration: 5s }',
      });
      let cut = 0;
      const cutting = (async () => {
        await sleep(2500);
        cut = relay.dropAll();
      })();
      const { run, events: e } = await runEvents(file);
      await cutting;
      expect(cut).toBeGreaterThanOrEqual(2);
      expect([0, 1]).toContain(run.code);
      expect(run.stderr).not.toMatch(/unexpected error|Unhandled/);
      expect(e?.connectionDrops).toBeGreaterThanOrEqual(1);
      expect(e?.attempted).toBe(500);
      expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(500);
      expect(e?.acked).toBeGreaterThan(350);
      expect(e?.consumed).toBeGreaterThan(350);
    } finally {
      await proxy?.close();
    }
  });

  it("produce-only: publishes to the application's stream and reports its durable's lag; nothing lost, no e2e figures", async () => {
    const { subject, stream } = newSubject('app');
    await nats.jsm.streams.add({ name: stream, subjects: [subject] });
    await nats.jsm.consumers.add(stream, {
      durable_name: 'app',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    // The application: pulls from its durable and acknowledges every message at once. Its lag ends at zero, so if
    // the run tracked sequences without consuming, every message would look gone from the broker: lost.
    let appConsumed = 0;
    const messages = await (await jetstream(nats.nc).consumers.get(stream, 'app')).consume({ max_messages: 10 });
    const app = (async () => {
      for await (const m of messages) {
        appConsumed++;
        m.ack();
      }
    })();
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`subject: ${subject}`, 'group: app', 'mode: produce-only'],
      load: '{ rate: 100, duration: 2s }',
      drain: '5s',
      slos: ['lost = 0', 'lag_final = 0'],
    });
    const { run, events: e } = await runEvents(file);
    await waitFor(() => appConsumed >= 200, 5000);
    await messages.close();
    await app;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(e).toMatchObject({ attempted: 200, acked: 200, consumed: 0, lost: 0, undelivered: 0, duplicates: 0 });
    expect(appConsumed).toBe(200);
    expect(e2eRecorded(e)).toBe(0);
    expect(e?.lag.final).toBe(0);
    expect(e?.lag.source).toBe('jetstream consumer info (num_pending + num_ack_pending)');
    expect(await durableLag(stream, 'app')).toEqual({ pending: 0, ackPending: 0 });
    expect(run.stdout).not.toMatch(/produce → consume/);
  });

  it('an unreachable broker is exit 3, naming the URL without its password', async () => {
    await expectUnreachableBroker('nats://bench:s3cret-pw@127.0.0.1:1', 'subject: never.created');
  });
});
