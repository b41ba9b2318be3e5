/**
 * `backend-bench run` on Kafka, end to end through the built CLI. By default against librdkafka's mock cluster:
 * protocol-level only. Offsets, groups, lag, SLO verdicts and exit codes are real; latency figures are not (the
 * mock returns one produce batch per partition per fetch and holds empty fetches for their full wait), so nothing
 * here asserts on latency, and rates stay low. With BACKEND_BENCH_KAFKA_BROKERS set, the same runs go to that cluster.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { e2eRecorded } from './support/events.js';
import { closedPort } from './support/servers.js';
import { kafkaTestTarget, startKafkaTestCluster, type KafkaTestCluster } from './kafka-mock/kafka-test-cluster.js';

const suffix = `${process.pid}-${Date.now()}`;
const topics = {
  healthy: `bb-e2e-healthy-${suffix}`,
  slow: `bb-e2e-slow-${suffix}`,
  watched: `bb-e2e-watched-${suffix}`,
  outage: `bb-e2e-outage-${suffix}`,
  workers: `bb-e2e-workers-${suffix}`,
};
// Taking a broker away needs the mock's controls; a real cluster is not ours to stop.
const realCluster = Boolean(process.env.BACKEND_BENCH_KAFKA_BROKERS?.trim());
let cluster: KafkaTestCluster;

beforeAll(async () => {
  // One broker: taking it down takes the whole cluster away, group coordinator included.
  cluster = await startKafkaTestCluster(
    Object.values(topics).map((name) => ({ name, partitions: 3 })),
    1,
  );
});

afterAll(async () => {
  await cluster?.stop();
});

/** Writes a scenario publishing to `topic` on the test cluster; `queue` and `rest` are YAML fragments. */
function scenario(topic: string, queue: string, rest: string, group = `${topic}-group`): string {
  const file = join(tempDir(), 's.yaml');
  writeFileSync(
    file,
    `name: kafka-e2e
events:
  broker: kafka://\${BB_KAFKA}
  drain: \${BB_DRAIN:-10s}
  publishTimeout: \${BB_PUBLISH_TIMEOUT:-5s}
  queues:
    - name: orders
      topic: ${topic}
      group: ${group}
${queue}
${rest}`,
  );
  return file;
}

/** The group's lag read by the test itself (committed, then log-end offsets), to check the figure the run reports. */
async function independentLag(topic: string, groupId: string): Promise<number> {
  const admin = new Kafka({ clientId: 'bb-e2e-check', brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const logEnd = await admin.fetchTopicOffsets(topic);
    const byPartition = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    return logEnd.reduce(
      (sum, p) => sum + Math.max(0, Number(p.high) - Math.max(0, byPartition.get(p.partition) ?? 0)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

const env = (): NodeJS.ProcessEnv => ({ BB_KAFKA: cluster.brokers.join(',') });

describe(`backend-bench run on Kafka (${kafkaTestTarget()})`, () => {
  it('a healthy run: everything consumed, nothing lost, consumer-group lag 0 at the end, exit 0', async () => {
    const file = scenario(
      topics.healthy,
      '      consumers: 1\n      key: "order-{{seq}}"',
      'load: { rate: 80, duration: 4s }\nslos:\n  - lost = 0\n  - lag_final = 0\n  - consume_rate >= 99%',
    );
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', file, '--out', out], { env: env(), timeoutMs: 60_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const e = readResult(out).events;
    expect(e?.attempted).toBeGreaterThanOrEqual(300);
    expect(e?.acked).toBe(e?.attempted);
    expect(e?.consumed).toBe(e?.acked);
    expect(e).toMatchObject({ lost: 0, undelivered: 0, duplicates: 0, failed: 0 });
    expect(e?.lag.final).toBe(0);
    expect(e?.lag.source).toMatch(/kafka consumer-group lag \(log-end offset − committed offset/);
    expect(e?.lag.series.some((s) => s.lag !== null)).toBe(true);
    expect(await independentLag(topics.healthy, `${topics.healthy}-group`)).toBe(0);
    expect(run.stdout).toMatch(/PASS\s+3\/3 SLOs met/);
  });

  // One consumer: two members joining from two threads may rebalance mid-run on a loaded machine, and a redelivery
  // then is a duplicate the broker really sent, not the accounting this test is about.
  it('--workers 2: producers in two threads; every message once, the group lag 0 at the end', async () => {
    const file = scenario(
      topics.workers,
      '      consumers: 1\n      key: "order-{{seq}}"',
      'load: { rate: 80, duration: 3s }',
    );
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', file, '--out', out, '--workers', '2'], { env: env(), timeoutMs: 90_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const e = readResult(out).events;
    expect(e).toMatchObject({ attempted: 240, acked: 240, consumed: 240, lost: 0, undelivered: 0, duplicates: 0 });
    expect(e?.foreign).toBe(0);
    expect(e?.lag.final).toBe(0);
    expect(await independentLag(topics.workers, `${topics.workers}-group`)).toBe(0);
  });

  it('a slow consumer: lag rises over the run, lag_max fails (exit 1), and the final lag equals an independent read of the group', async () => {
    // 100 records/s published, one consumer taking 50 ms each (20/s): the group falls further behind every second.
    const file = scenario(
      topics.slow,
      '      consumers: 1\n      processingDelay: 50ms',
      'load: { rate: 100, duration: 5s }\nslos:\n  - lag_max < 50\n  - lost = 0',
    );
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', file, '--out', out], { env: { ...env(), BB_DRAIN: '2s' }, timeoutMs: 60_000 });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const r = readResult(out);
    const e = r.events;
    const readings = (e?.lag.series ?? []).map((s) => s.lag).filter((lag): lag is number => lag !== null);
    expect(readings.length).toBeGreaterThanOrEqual(4);
    // Rising: the highest reading is well above the first ones, and comes late in the run.
    expect(e?.lag.max).toBeGreaterThan(200);
    expect(Math.max(...readings.slice(0, 2))).toBeLessThan((e?.lag.max ?? 0) / 2);
    const lagSlo = r.slos.find((s) => s.expr === 'lag_max < 50');
    expect(lagSlo).toMatchObject({ pass: false, value: e?.lag.max });
    // Our consumer left the group at the end, committing what it processed: nothing moves any more, so the
    // run's final reading and the test's own read of committed vs log-end offsets must agree exactly.
    const independent = await independentLag(topics.slow, `${topics.slow}-group`);
    expect(e?.lag.final).toBe(independent);
    expect(independent).toBeGreaterThan(150);
    // What the broker still holds is undelivered, not lost; every message is accounted for.
    expect(e?.lost).toBe(0);
    expect(e?.undelivered).toBe(independent);
    expect((e?.consumed ?? 0) + (e?.undelivered ?? 0)).toBe(e?.acked);
    expect(run.stdout).toMatch(/✗ FAIL\s+lag_max < 50\s+\d+/);
  });

  it("produce-only: publishes and samples the lag of the application's own consumer group; the drain waits for it", async () => {
    const appGroup = `${topics.watched}-app`;
    const app = new Kafka({ clientId: 'bb-e2e-app', brokers: cluster.brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: appGroup,
      // The mock holds a fetch that finds nothing for its whole wait (a real broker answers when records arrive).
      maxWaitTimeInMs: 100,
    });
    let appConsumed = 0;
    await app.connect();
    try {
      await app.subscribe({ topic: topics.watched });
      const joined = new Promise((resolve) => app.on(app.events.GROUP_JOIN, resolve));
      // The application: 10 ms per record, so it trails a 60/s publisher a little and catches up in the drain.
      await app.run({
        eachMessage: async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          appConsumed++;
        },
      });
      await joined;
      const file = scenario(
        topics.watched,
        '      mode: produce-only',
        'load: { rate: 60, duration: 3s }\nslos:\n  - lag_final = 0\n  - lag_max > 0\n  - lost = 0',
        appGroup,
      );
      const out = join(tempDir(), 'r.json');
      const run = await runCli(['run', file, '--out', out], { env: env(), timeoutMs: 60_000 });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const e = readResult(out).events;
      expect(e?.acked).toBeGreaterThanOrEqual(150);
      expect(e?.consumed).toBe(0); // we consume nothing: the application does
      // Its records are the application's to account for: none lost or undelivered by us, no e2e figure.
      expect(e).toMatchObject({ lost: 0, undelivered: 0 });
      expect(e2eRecorded(e)).toBe(0);
      expect(run.stdout).toMatch(/✓ pass\s+lost = 0/);
      expect(e?.byQueue.orders).toMatchObject({ mode: 'produce-only', group: appGroup, consumers: 0 });
      expect(e?.lag.final).toBe(0);
      expect(e?.lag.max).toBeGreaterThan(0);
      expect(e?.lag.source).toMatch(/consumer-group lag/);
      expect(appConsumed).toBeGreaterThanOrEqual(e?.acked ?? Infinity);
    } finally {
      await app.disconnect();
    }
  });

  it.skipIf(realCluster)(
    'the broker goes down mid-run and comes back: publishes fail as connection errors, the run goes on, consumers resume, nothing confirmed is lost',
    async () => {
      const file = scenario(topics.outage, '      consumers: 1', 'load: { rate: 50, duration: 6s }');
      const out = join(tempDir(), 'r.json');
      const outage = new Promise<void>((resolve, reject) => {
        // The consumer joins (~3 s on the mock), then publishing runs for 6 s: the outage falls inside it.
        setTimeout(() => void cluster.setBrokerUp?.(1, false).catch(reject), 5000);
        setTimeout(() => void cluster.setBrokerUp?.(1, true).then(resolve, reject), 7000);
      });
      // What is judged here is the outage's accounting, not a budget: the default SLOs (error_rate) would fail.
      const run = await runCli(['run', file, '--no-default-slos', '--out', out], {
        env: { ...env(), BB_DRAIN: '25s', BB_PUBLISH_TIMEOUT: '2s' },
        timeoutMs: 60_000,
      });
      await outage;
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const e = readResult(out).events;
      expect(e?.publishErrors.connection).toBeGreaterThan(0);
      expect(e?.connectionDrops).toBeGreaterThanOrEqual(1);
      expect(e?.acked).toBeGreaterThan(0);
      expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(e?.attempted);
      // Records the broker confirmed before it went down are still there; the consumer picks up where it was.
      expect(e).toMatchObject({ lost: 0, undelivered: 0 });
      expect(e?.consumed).toBe(e?.acked);
      expect(e?.lag.final).toBe(0);
      expect(run.stdout).toMatch(/connection lost/);
    },
  );

  it('an unreachable broker: exit 3 naming the broker URL with its credentials redacted', async () => {
    const port = await closedPort();
    const file = scenario('bb-never', '      consumers: 1', 'load: { rate: 10, duration: 1s }');
    const started = Date.now();
    const run = await runCli(['run', file], {
      env: { BB_KAFKA: `app:s3cret-pw@127.0.0.1:${port}` },
      timeoutMs: 30_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toContain(`kafka://***@127.0.0.1:${port}`);
    expect(run.stderr).toMatch(/ECONNREFUSED/);
    expect(run.stdout + run.stderr).not.toContain('s3cret');
  });
});
