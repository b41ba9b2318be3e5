/**
 * Event runs under faults, end to end through the built CLI: a drain held by a slow consumer, Ctrl-C during the
 * drain, a broker that dies and never comes back (our own redis-server, killed by its pid), and a consumer group
 * deleted mid-run. Shared brokers are used with unique names only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult } from './support/cli.js';
import { freePort } from './support/daemons.js';
import { runEvents, sleep, uniqueName, waitFor, writeEventScenario } from './support/events.js';

const SHARED = 'redis://127.0.0.1:6379';
const streams: string[] = [];
let redis: Redis;

const newStream = (what: string): string => {
  const s = uniqueName(what);
  streams.push(s);
  return s;
};

beforeAll(() => {
  redis = new Redis(SHARED, { protocol: 2 });
});

afterAll(async () => {
  if (streams.length > 0) await redis.del(...streams);
  await redis.quit();
});

/** pending + unread entries of `group` on `stream`, as XINFO GROUPS reports them. */
async function brokerLag(stream: string, group: string): Promise<number> {
  const reply = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
  for (const entry of reply) {
    const m = new Map<string, unknown>();
    for (let i = 0; i + 1 < entry.length; i += 2) m.set(String(entry[i]), entry[i + 1]);
    if (m.get('name') === group) return Number(m.get('lag')) + Number(m.get('pending'));
  }
  throw new Error(`no group ${group} on ${stream}`);
}

/** A slow consumer: one consumer holding up to 100 entries, 200 ms each, far behind a 100/s publisher. */
const slowConsumer = (stream: string): string[] => [
  `stream: ${stream}`,
  'group: g',
  'consumers: 1',
  'prefetch: 100',
  'processingDelay: 200ms',
];

describe('event faults: the drain is bounded', () => {
  it('a slow consumer holding 100 deliveries: the run ends within duration + drain + a few seconds, the rest undelivered', async () => {
    const stream = newStream('slowdrain');
    const file = writeEventScenario({
      broker: SHARED,
      queue: slowConsumer(stream),
      load: '{ rate: 100, duration: 3s }',
      drain: '2s',
      slos: ['lost = 0'],
    });
    const t0 = Date.now();
    const { run, events: e } = await runEvents(file);
    const tookMs = Date.now() - t0;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Working through the 100 held deliveries at 200 ms each would take 20 s past the drain.
    expect(tookMs).toBeLessThan(3000 + 2000 + 6000);
    expect(e).toBeDefined();
    if (e === undefined) return;
    expect(e.acked).toBe(300);
    expect(e.undelivered).toBeGreaterThan(200);
    expect(e.lost).toBe(0);
    expect(e.consumed + e.undelivered).toBe(e.acked);
    // What the consumer held but never took up stayed in the broker: pending, counted as undelivered.
    expect(Math.abs((await brokerLag(stream, 'g')) - e.undelivered)).toBeLessThanOrEqual(2);
  });

  it('Ctrl-C during the drain ends the run at once (exit 130) and writes the result with what was measured', async () => {
    const stream = newStream('sigintdrain');
    const file = writeEventScenario({
      broker: SHARED,
      queue: slowConsumer(stream),
      load: '{ rate: 100, duration: 3s }',
      drain: '60s',
      slos: ['lost = 0'],
    });
    let sentAt = 0;
    const { run, events: e } = await runEvents(file, {
      onSpawn: (pid) =>
        void (async () => {
          // Every publish made and confirmed: the run is draining.
          await waitFor(async () => (await redis.xlen(stream).catch(() => 0)) >= 300, 30_000);
          await sleep(1000);
          sentAt = Date.now();
          process.kill(pid, 'SIGINT');
        })(),
    });
    const tookMs = Date.now() - sentAt;
    expect(sentAt).toBeGreaterThan(0);
    expect(run.code, run.stdout + run.stderr).toBe(130);
    expect(tookMs).toBeLessThan(5000);
    expect(e).toBeDefined();
    expect(e?.acked).toBe(300);
    expect(e?.consumed).toBeGreaterThan(0);
    expect((e?.consumed ?? 0) + (e?.undelivered ?? 0) + (e?.lost ?? 0)).toBe(300);
    expect(e?.undelivered).toBeGreaterThan(200);
  });
});
