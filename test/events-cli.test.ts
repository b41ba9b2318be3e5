/**
 * Event scenarios through the built CLI: the shipped scenarios on the local brokers and the demo broker, input
 * errors caught before any traffic (exit 2), and produce-only mode watching an application's consumer group.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort } from './support/servers.js';
import { e2eRecorded, runEvents, sleep, uniqueName, writeEventScenario } from './support/events.js';

describe('shipped event scenarios', () => {
  it.each(['events-rabbitmq', 'events-nats', 'events-redis'])(
    'scenarios/%s.yaml passes its SLOs on the local broker',
    async (name) => {
      const out = join(tempDir(), 'r.json');
      const run = await runCli(['run', `scenarios/${name}.yaml`, '--out', out, '--quiet'], { timeoutMs: 90_000 });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const e = readResult(out).events;
      expect(e).toMatchObject({ attempted: 3500, acked: 3500, consumed: 3500, lost: 0, undelivered: 0, demo: false });
      expect(run.stdout).toMatch(/PASS\s+6\/6 SLOs met/);
    },
  );

  it('scenarios/events-demo.yaml runs with nothing installed, and says it is a demo broker', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', 'scenarios/events-demo.yaml', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.target).toBe('demo broker');
    expect(r.events).toMatchObject({ demo: true, attempted: 2100, consumed: 2100, lost: 0 });
    expect(r.events?.byQueue.orders?.lag.series.length).toBeGreaterThanOrEqual(8);
    expect(run.stdout).toMatch(/Events demo broker \(in-process, not a real broker/);
    expect(run.stdout).toMatch(/produce → consume/);
    // The live line shows the lag (plain lines every 5 s without a TTY).
    expect(run.stderr).toMatch(/pub \d+\/s .*cons \d+\/s .*lag \d+/);
  });
});

describe('a consumer slower than the run', () => {
  it('the process ends once the result is out, not after the broker stop wait of what the consumer never took up', async () => {
    const dir = tempDir();
    const file = join(dir, 'slow.yaml');
    // An hour per message: deliveries handed over as the run closes are never taken up, so never acknowledged.
    writeFileSync(
      file,
      `name: slow-consumer
events:
  broker: demo
  drain: 1s
  queues:
    - name: q
      queue: slow
      size: 64
      processingDelay: 1h
load:
  rate: 50
  duration: 1s
`,
    );
    const t0 = performance.now();
    // The demo broker's stop waits up to 10 s for held deliveries: a process kept alive by it would be killed at 9 s.
    const run = await runCli(['run', file, '--quiet'], { timeoutMs: 9000 });
    expect(run.signal, `exited after ${Math.round(performance.now() - t0)} ms`).toBeNull();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/undelivered/);
  });
});

describe('several queues', () => {
  it('share the rate by weight, each with its own figures and SLO scope', async () => {
    const file = join(tempDir(), 's.yaml');
    writeFileSync(
      file,
      `events:
  broker: demo
  queues:
    - { name: fast, queue: fast, consumers: 1, weight: 3 }
    - { name: slow, queue: slow, consumers: 1, weight: 1, processingDelay: 40ms, prefetch: 5 }
  drain: 500ms
load: { rate: 200, duration: 2s }
slos: ["queue:fast lag_max < 100", "queue:slow lag_max < 20", "queue:slow undelivered = 0"]
`,
    );
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', file, '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const e = readResult(out).events;
    expect(e?.byQueue.fast).toMatchObject({ attempted: 300, consumed: 300, undelivered: 0 });
    expect(e?.byQueue.slow?.attempted).toBe(100);
    expect(e?.byQueue.slow?.undelivered).toBeGreaterThan(20);
    expect(e?.attempted).toBe(400);
    expect(run.stdout).toMatch(/✓ pass\s+queue:fast lag_max < 100/);
    expect(run.stdout).toMatch(/✗ FAIL\s+queue:slow lag_max < 20/);
    expect(run.stdout).toMatch(/✗ FAIL\s+queue:slow undelivered = 0/);
    expect(run.stdout).toMatch(/\n all +400 /);
  });
});

describe('event scenario input errors: exit 2 before any traffic', () => {
  const write = (body: string): string => {
    const file = join(tempDir(), 's.yaml');
    writeFileSync(file, body);
    return file;
  };

  it('lists every problem of the events block with its line and field', async () => {
    const file = write(`events:
  broker: demo
  queues:
    - queue: a
      stream: b
    - queue: c
      mode: produce-only
      consumers: 2
load: { rate: 5, duration: 1s }
`);
    const run = await runCli(['run', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/s\.yaml:4:7 events\.queues\[0\]: set exactly one of queue, stream, subject, topic/);
    expect(run.stderr).toMatch(/s\.yaml:7:13 events\.queues\[1\]\.mode: produce-only runs no consumers/);
  });

  it('then the plan: a scheme without an adapter (password hidden), a closed model, an unknown queue scope', async () => {
    const file = write(`events:
  broker: ftp://user:pw@127.0.0.1:21
  queues:
    - queue: orders
load: { connections: 5, duration: 1s }
slos: ["queue:nope lag_max < 10"]
`);
    const run = await runCli(['run', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /events\.broker: no adapter for ftp:\/\/ in ftp:\/\/\*\*\*@127\.0\.0\.1\/ \(supported: amqp:\/\/, amqps:\/\/, .*nats:\/\/.*redis:\/\/.* or "demo"\)/,
    );
    expect(run.stderr).toMatch(/load: event runs publish at a rate/);
    expect(run.stderr).toMatch(/no queue named "nope" \(known: orders\)/);
    expect(run.stderr).not.toContain(':pw@');
  });

  it("broker options are checked against the adapter's own schema at plan time: validate and run exit 2 before connecting", async () => {
    // Nothing listens on the port: were the options checked only once connected, run would be exit 3 instead.
    const port = await closedPort();
    const file = write(`events:
  broker: kafka://127.0.0.1:${port}
  queues:
    - topic: orders
      options:
        acks: 0
        partitons: 3
    - topic: audit
      options: { commitIntervalMs: -5 }
load: { rate: 10, duration: 1s }
`);
    for (const command of ['validate', 'run']) {
      const run = await runCli([command, file], { timeoutMs: 15_000 });
      expect(run.code, `${command}: ${run.stdout}${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(
        /s\.yaml:6:\d+ events\.queues\[0\]\.options\.acks: Invalid option: expected one of "all"\|"leader"/,
      );
      expect(run.stderr).toMatch(
        /s\.yaml:7:\d+ events\.queues\[0\]\.options\.partitons: not an option of kafka:\/\/ \(known: acks, partitions, /,
      );
      expect(run.stderr).toMatch(/s\.yaml:9:\d+ events\.queues\[1\]\.options\.commitIntervalMs: Too small/);
      expect(run.stderr).not.toMatch(/ECONNREFUSED|cannot connect/);
    }
  });

  it('a typo in the options of a Redis queue, or any option for the demo broker, is named with its field', async () => {
    const redis = writeEventScenario({
      broker: 'redis://127.0.0.1:6379',
      queue: ['stream: never-used', 'options: { maxLenght: 10 }'],
      load: '{ rate: 10, duration: 1s }',
    });
    const a = await runCli(['validate', redis]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/events\.queues\[0\]\.options\.maxLenght: not an option of redis:\/\/ \(known: maxLen\)/);
    const demo = writeEventScenario({
      broker: 'demo',
      queue: ['queue: orders', 'options: { durable: true }'],
      load: '{ rate: 10, duration: 1s }',
    });
    const b = await runCli(['validate', demo]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/events\.queues\[0\]\.options\.durable: the demo broker takes no options/);
  });

  it('a queue scope an SLO names must exist', async () => {
    const file = writeEventScenario({
      broker: 'demo',
      queue: ['queue: orders'],
      load: '{ rate: 10, duration: 1s }',
      slos: ['queue:ordres lag_max < 5'],
    });
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no queue named "ordres" \(known: orders\)/);
  });
});

describe('produce-only: the application owns the consumer group', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { protocol: 2 });
  const stream = uniqueName('app');
  afterAll(async () => {
    await redis.del(stream);
    await redis.quit();
  });

  it("publishes, consumes nothing, and reports the lag of the application's group as Redis does", async () => {
    await redis.call('XGROUP', 'CREATE', stream, 'app', '$', 'MKSTREAM');
    // The "application": one consumer taking 10 entries every 200 ms (50/s) while 100/s arrive.
    let appRead = 0;
    let running = true;
    const app = (async () => {
      const reader = new Redis('redis://127.0.0.1:6379', { protocol: 2 });
      while (running) {
        const reply = (await reader.call(
          'XREADGROUP',
          'GROUP',
          'app',
          'worker',
          'COUNT',
          10,
          'STREAMS',
          stream,
          '>',
        )) as [string, [string, string[]][]][] | null;
        const ids = reply?.[0]?.[1].map(([id]) => id) ?? [];
        if (ids.length > 0) await reader.call('XACK', stream, 'app', ...ids);
        appRead += ids.length;
        await sleep(200);
      }
      await reader.quit();
    })();
    const file = writeEventScenario({
      broker: 'redis://127.0.0.1:6379',
      queue: [`stream: ${stream}`, 'group: app', 'mode: produce-only'],
      load: '{ rate: 100, duration: 3s }',
      drain: '1s',
      slos: ['lag_final = 0'],
    });
    const { run, events: e } = await runEvents(file);
    running = false;
    await app;
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(e).toMatchObject({ attempted: 300, acked: 300, consumed: 0, lost: 0, undelivered: 0 });
    expect(e?.byQueue.orders?.mode).toBe('produce-only');
    // Nothing of ours consumed, so no produce→consume figure at all (not one made of unconsumed messages' ages).
    expect(e2eRecorded(e)).toBe(0);
    expect(e?.lag.max).toBeGreaterThan(50);
    expect(e?.lag.final).toBeGreaterThan(0);
    expect(appRead).toBeGreaterThan(0);
    // Redis' own figure now: what the application has not read. The run's final reading came a little earlier,
    // before the application's last few reads (10 per 200 ms).
    const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
    const info = groups[0] ?? [];
    const redisLag = Number(info[info.indexOf('lag') + 1]) + Number(info[info.indexOf('pending') + 1]);
    expect(redisLag).toBe(300 - appRead);
    expect(e?.lag.final).toBeGreaterThanOrEqual(redisLag);
    expect((e?.lag.final ?? 0) - redisLag).toBeLessThanOrEqual(30);
    expect(e?.lag.source).toBe('redis XINFO GROUPS (lag + pending)');
    expect(run.stdout).toMatch(/not consumed/);
    expect(run.stdout).toMatch(/✗ FAIL\s+lag_final = 0/);
  });
});
