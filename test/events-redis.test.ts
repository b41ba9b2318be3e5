/**
 * Event runs on the local Redis (127.0.0.1:6379) Streams, end to end through the built CLI. The tool's lag is
 * checked against XINFO GROUPS read here, loss against an XTRIM done behind its back, and recovery against
 * CLIENT KILL of its own (named) connections only.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { readResult } from './support/cli.js';
import {
  lagRose,
  redisForSuite,
  runEvents,
  sleep,
  waitFor,
  writeEventScenario,
  expectHealthy,
  expectUnreachableBroker,
  killRedis,
  startRedis,
  CONSUMER_PLACEMENTS,
  runHealthy,
  trimCountingReads,
} from './support/events.js';
import { freePort } from './support/daemons.js';

const BROKER = 'redis://127.0.0.1:6379';
const shared = redisForSuite(BROKER);
const newStream = (what: string): string => shared.newStream(what);

/** XINFO GROUPS for one group, as a map of its fields. */
async function groupInfo(stream: string, group: string): Promise<Map<string, unknown>> {
  const reply = (await shared.client.call('XINFO', 'GROUPS', stream)) as unknown[][];
  for (const entry of reply) {
    const m = new Map<string, unknown>();
    for (let i = 0; i + 1 < entry.length; i += 2) m.set(String(entry[i]), entry[i + 1]);
    if (m.get('name') === group) return m;
  }
  throw new Error(`no group ${group} on ${stream}`);
}

/** Connection ids of the tool's connections for `stream` (it names them backend-bench:<stream>). */
async function ourClientIds(stream: string): Promise<string[]> {
  const list = String(await shared.client.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .filter((l) => l.includes(` name=backend-bench:${stream} `))
    .map((l) => /(?:^|\s)id=(\d+)/.exec(l)?.[1] ?? '')
    .filter((id) => id !== '');
}

describe('events on Redis Streams (real Redis on 127.0.0.1:6379)', () => {
  // Pinned to one CPU, the consumers run in the publishing thread (a consumer thread would only preempt it).
  it.each(CONSUMER_PLACEMENTS)(
    'healthy run (%s): everything consumed, nothing lost, small e2e p50, group lag 0 at the end, exit 0',
    async (_how, cpus) => {
      const stream = newStream('healthy');
      const { events: e } = await runHealthy(
        BROKER,
        [`stream: ${stream}`, 'group: g', 'consumers: 2', 'json: { id: "{{seq}}", pad: "{{randomString 200}}" }'],
        cpus,
      );
      expect(e?.lag.source).toBe('redis XINFO GROUPS (lag + pending)');
      const info = await groupInfo(stream, 'g');
      expect([info.get('lag'), info.get('pending')]).toEqual([0, 0]);
    },
  );

  it('slow consumer: lag rises, the lag SLO fails (exit 1), and the final lag matches XINFO GROUPS', async () => {
    const stream = newStream('slow');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1', 'prefetch: 10', 'processingDelay: 25ms'],
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
    const info = await groupInfo(stream, 'g');
    const brokerLag = Number(info.get('lag')) + Number(info.get('pending'));
    expect(Math.abs(brokerLag - (e.lag.final ?? -1))).toBeLessThanOrEqual(2);
    expect(e.undelivered).toBe(brokerLag);
    expect(e.consumed + e.undelivered).toBe(e.acked);
    expect(e.lost).toBe(0);
  });

  it("loss detection: entries trimmed behind the tool's back are reported as lost", async () => {
    const stream = newStream('trim');
    const prefetch = 5;
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1', `prefetch: ${prefetch}`, 'processingDelay: 20ms'],
      load: '{ rate: 150, duration: 3s }',
      drain: '20s',
    });
    let trimmed = 0;
    let read = NaN;
    const trimming = (async () => {
      await waitFor(async () => (await shared.client.xlen(stream)) >= 150, 15_000);
      ({ trimmed, read } = await trimCountingReads(shared.client, stream, 'g'));
    })();
    const { run, events: e } = await runEvents(file);
    await trimming;
    expect(run.code, run.stderr).toBe(0);
    expect(trimmed).toBeGreaterThanOrEqual(100);
    // Entries handed to the consumer before the trim still arrive; the rest of what was trimmed is lost.
    expect(Number.isInteger(read)).toBe(true);
    expect(Math.abs((e?.lost ?? 0) - (trimmed - read))).toBeLessThanOrEqual(prefetch);
    expect((e?.consumed ?? 0) + (e?.lost ?? 0)).toBe(e?.acked);
    expect(e?.undelivered).toBe(0);
  });

  it('connections killed by the server mid-run (CLIENT KILL): the run reconnects, counts it and writes its result', async () => {
    const stream = newStream('kill');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1'],
      load: '{ rate: 100, duration: 5s }',
    });
    let killed = 0;
    const killing = (async () => {
      await waitFor(async () => (await ourClientIds(stream)).length >= 2, 15_000);
      await sleep(1500);
      for (const id of await ourClientIds(stream))
        killed += Number(await shared.client.call('CLIENT', 'KILL', 'ID', id));
    })();
    const { run, events: e } = await runEvents(file);
    await killing;
    expect(killed).toBeGreaterThanOrEqual(2);
    expect([0, 1]).toContain(run.code);
    expect(run.stderr).not.toMatch(/unexpected error|Unhandled/);
    expect(e?.connectionDrops).toBeGreaterThanOrEqual(1);
    expect(e?.attempted).toBe(500);
    expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(500);
    expect(e?.acked).toBeGreaterThan(350);
    expect(e?.consumed).toBeGreaterThan(350);
  });

  it('publishes the broker refuses are counted as nacks, by kind, and the run still ends with its result', async () => {
    const stream = newStream('nack');
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1'],
      load: '{ rate: 100, duration: 3s }',
      drain: '1s',
      slos: ['publish_errors = 0'],
    });
    // Mid-run the stream's key becomes a plain string: every XADD then fails with WRONGTYPE.
    const breaking = (async () => {
      await waitFor(async () => (await shared.client.xlen(stream).catch(() => 0)) >= 100, 15_000);
      await shared.client.multi().del(stream).set(stream, 'not a stream').exec();
    })();
    const { run, out, events: e } = await runEvents(file);
    await breaking;
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(e?.publishErrors.nack).toBeGreaterThan(50);
    expect(e?.failed).toBe(e?.publishErrors.nack);
    expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(300);
    expect(run.stdout).toMatch(/publish errors: nack \d+/);
    const result = readResult(out);
    expect(result.errorsByKind.nack).toBe(e?.failed);
    expect(Object.keys(result.errorSamples).some((k) => /^nack: publish to orders: WRONGTYPE/.test(k))).toBe(true);
  });

  it('entries of one turn go in one script call, and one XADD each where scripts are refused (ACL)', async () => {
    // Our own redis-server: its command counts are ours alone, and the shared one keeps its users as they are.
    const port = await freePort();
    const own = await startRedis(port);
    const admin = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    const calls = async (command: RegExp): Promise<number> => {
      const info = String(await admin.call('INFO', 'commandstats'));
      const lines = [...info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)].filter((m) => command.test(m[1] ?? ''));
      return lines.reduce((a, m) => a + Number(m[2]), 0);
    };
    const scriptCalls = (): Promise<number> => calls(/^eval(sha)?$/);
    const run400 = async (stream: string): Promise<void> => {
      const file = writeEventScenario({
        broker: `redis://127.0.0.1:${port}`,
        queue: [`stream: ${stream}`, 'group: g', 'consumers: 1'],
        load: '{ rate: 200, duration: 2s }',
      });
      const { run, events: e } = await runEvents(file);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expectHealthy(e, 400);
    };
    try {
      await run400('batched');
      const batched = await scriptCalls();
      expect(batched).toBeGreaterThan(0);
      // Never more script calls than entries (the XADDs a script runs count too), the warm-up's included.
      expect(batched).toBeLessThanOrEqual(await calls(/^xadd$/));
      await admin.call('ACL', 'SETUSER', 'default', '-@scripting');
      await run400('one-by-one');
      expect(await scriptCalls()).toBe(batched);
    } finally {
      admin.disconnect();
      await killRedis(own);
    }
  });

  it('an unreachable broker is exit 3, naming the URL without its password', async () => {
    await expectUnreachableBroker('redis://default:s3cret-pw@127.0.0.1:1', 'stream: never-created');
  });
});
