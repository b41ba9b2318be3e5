/**
 * Event runs with `--workers 2` on the local brokers, end to end through the built CLI: the producers publish from
 * two worker threads, the main thread consumes and reads the lag. Every message is counted once across the threads,
 * and a duplicate or a gap behind the tool's back is still found, whichever thread published the message.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../src/metrics/histogram.js';
import type { EventsSection } from '../src/workloads/events/section.js';
import { runEvents, trimCountingReads, uniqueName, waitFor, writeEventScenario } from './support/events.js';

const REDIS = 'redis://127.0.0.1:6379';
const TWO_THREADS = ['--workers', '2'];
const streams: string[] = [];
let redis: Redis;

const newStream = (what: string): string => {
  const s = uniqueName(`w-${what}`);
  streams.push(s);
  return s;
};

beforeAll(() => {
  redis = new Redis(REDIS, { protocol: 2 });
});

afterAll(async () => {
  if (streams.length > 0) await redis.del(...streams);
  await redis.quit();
});

/** Entries of a stream as [id, fields]; the envelope travels in the `h:x-bb-envelope` field. */
async function entries(stream: string, count: number): Promise<[string, string[]][]> {
  return (await redis.xrange(stream, '-', '+', 'COUNT', count)) as [string, string[]][];
}

/** The producer id of an entry's envelope ("v1 runId producer seq intended wall"). */
function producerOf(fields: readonly string[]): number {
  const i = fields.indexOf('h:x-bb-envelope');
  return Number((fields[i + 1] ?? '').split(' ')[2]);
}

/** Every message once: confirmed, consumed, each histogram holding exactly one value per message. */
function expectExact(e: EventsSection | undefined, count: number): void {
  expect(e).toMatchObject({
    attempted: count,
    acked: count,
    consumed: count,
    lost: 0,
    undelivered: 0,
    duplicates: 0,
    foreign: 0,
    failed: 0,
    dropped: 0,
  });
  if (e === undefined) return;
  expect(decodeHistogram(e.histograms.publish).totalCount).toBe(count);
  expect(decodeHistogram(e.histograms.e2e).totalCount).toBe(count);
  expect(decodeHistogram(e.histograms.sendDelay).totalCount).toBe(count);
  expect(e.lag.final).toBe(0);
}

const BOUNDED = '{ rate: 1000, duration: 2s }';

describe('event producers in two worker threads', () => {
  it('Redis: 2,000 messages at 1000/s from two threads are each published and consumed exactly once', async () => {
    const stream = newStream('redis');
    const file = writeEventScenario({
      broker: REDIS,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 2'],
      load: BOUNDED,
    });
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectExact(e, 2000);
    // Both threads published: each has its own producer id, so sequences never share a space.
    const byProducer = new Map<number, number>();
    for (const [, fields] of await entries(stream, 5000)) {
      const p = producerOf(fields);
      byProducer.set(p, (byProducer.get(p) ?? 0) + 1);
    }
    expect([...byProducer.keys()].sort()).toEqual([0, 1]);
    expect(byProducer.get(0)).toBe(1000);
    expect(byProducer.get(1)).toBe(1000);
  });

  it('RabbitMQ: the same 2,000 messages from two threads, exactly once each', async () => {
    const file = writeEventScenario({
      broker: 'amqp://guest:guest@127.0.0.1:5672',
      queue: [`queue: ${uniqueName('w-rabbit')}`, 'consumers: 2'],
      load: BOUNDED,
      cleanup: true,
    });
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectExact(e, 2000);
  });

  it('NATS JetStream: the same 2,000 messages from two threads, exactly once each', async () => {
    const file = writeEventScenario({
      broker: 'nats://127.0.0.1:4222',
      queue: [`subject: ${uniqueName('w-nats').replace(/-/g, '.')}`, 'group: d', 'consumers: 2'],
      load: BOUNDED,
      cleanup: true,
    });
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectExact(e, 2000);
  });

  it('three consumers over two consumer threads: three distinct members of the group, every message once', async () => {
    const stream = newStream('spread');
    const file = writeEventScenario({
      broker: REDIS,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 3'],
      load: BOUNDED,
    });
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectExact(e, 2000);
    // Each thread names its consumers by their index in the queue: numbered per thread, two would share a name.
    const consumers = (await redis.call('XINFO', 'CONSUMERS', stream, 'g')) as unknown[][];
    const names = consumers.map((c) => String(c[c.indexOf('name') + 1]));
    expect(names.sort()).toEqual(['g-0', 'g-1', 'g-2']);
  });

  it("duplicates added behind the tool's back are each counted once, from either thread's producer", async () => {
    const stream = newStream('dup');
    const file = writeEventScenario({
      broker: REDIS,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1'],
      load: '{ rate: 500, duration: 2s }',
    });
    const copied = new Map<number, number>();
    const copying = (async () => {
      await waitFor(async () => (await redis.xlen(stream)) >= 200, 20_000);
      for (const [, fields] of await entries(stream, 200)) {
        const p = producerOf(fields);
        if ((copied.get(p) ?? 0) >= 5) continue;
        copied.set(p, (copied.get(p) ?? 0) + 1);
        await redis.xadd(stream, '*', ...fields);
      }
    })();
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    await copying;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(Object.fromEntries(copied)).toEqual({ 0: 5, 1: 5 });
    expect(e).toMatchObject({ acked: 1000, consumed: 1000, duplicates: 10, lost: 0, undelivered: 0, foreign: 0 });
  });

  it("a gap (entries trimmed behind the tool's back) is found as lost, whichever thread published them", async () => {
    const stream = newStream('trim');
    const prefetch = 5;
    const file = writeEventScenario({
      broker: REDIS,
      queue: [`stream: ${stream}`, 'group: g', 'consumers: 1', `prefetch: ${prefetch}`, 'processingDelay: 20ms'],
      load: '{ rate: 150, duration: 3s }',
      drain: '20s',
    });
    let trimmed = 0;
    let read = NaN;
    const producers = new Set<number>();
    const trimming = (async () => {
      await waitFor(async () => (await redis.xlen(stream)) >= 150, 20_000);
      for (const [, fields] of await entries(stream, 1000)) producers.add(producerOf(fields));
      ({ trimmed, read } = await trimCountingReads(redis, stream, 'g'));
    })();
    const { run, events: e } = await runEvents(file, { args: TWO_THREADS });
    await trimming;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect([...producers].sort()).toEqual([0, 1]);
    expect(trimmed).toBeGreaterThanOrEqual(100);
    // Entries handed to the consumer before the trim still arrive; the rest of what was trimmed is lost.
    expect(Number.isInteger(read)).toBe(true);
    expect(Math.abs((e?.lost ?? 0) - (trimmed - read))).toBeLessThanOrEqual(prefetch);
    expect((e?.consumed ?? 0) + (e?.lost ?? 0)).toBe(e?.acked);
    expect(e).toMatchObject({ duplicates: 0, undelivered: 0, foreign: 0 });
  });

  it('the in-process demo broker cannot be shared by threads: one line, exit 2', async () => {
    const file = writeEventScenario({ broker: 'demo', queue: ['queue: q'], load: '{ rate: 10, duration: 1s }' });
    const { run, events } = await runEvents(file, { args: TWO_THREADS, timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/--workers: the demo broker lives in one thread/),
    ]);
    expect(events).toBeUndefined();
  });

  it('an unreachable broker is exit 3 before any load, naming the URL without its password', async () => {
    const file = writeEventScenario({
      broker: 'redis://:s3cret-pw@127.0.0.1:1',
      queue: [`stream: ${uniqueName('w-unreachable')}`],
      load: '{ rate: 10, duration: 1s }',
    });
    const { run, events } = await runEvents(file, { args: TWO_THREADS, timeoutMs: 30_000 });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot connect to redis:\/\/\*\*\*@127\.0\.0\.1:1/);
    expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
    expect(events).toBeUndefined();
  });
});
