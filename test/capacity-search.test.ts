/**
 * `capacity` end to end, the parts judged by counts, exit codes and files rather than by latency at the limit: the
 * live metrics of a search, --max-duration and compare, Ctrl-C, and an event pipeline limited by lag growth (its
 * consumer paced at 100 msg/s by the test). They run beside other files (vitest.config.ts); capacity.test.ts holds
 * the searches whose verdicts rest on latency, run alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityResult } from '../src/commands/capacity.js';
import { runCli, tempDir } from './support/cli.js';
import { queueing, readCapacity, SHORT_STEPS } from './support/capacity-targets.js';
import { sleep, uniqueName, writeEventScenario } from './support/events.js';
import { closedPort, startServer, type TestServer } from './support/servers.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('live metrics during a search', () => {
  it("serves the current step's target rate on /metrics, under one run id for the whole search", async () => {
    const server = await startServer(queueing(64, 1));
    servers.push(server);
    const port = await closedPort();
    const args = ['capacity', '--url', `${server.url}/`, '--slo', 'p95 < 1s', '--start', '20', '--max', '40'];
    const running = runCli(
      [
        ...args,
        '--step-duration',
        '3s',
        '--warmup',
        '1s',
        '--quiet',
        '--prometheus',
        `127.0.0.1:${port}`,
        '--linger',
        '0s',
      ],
      { timeoutMs: 40_000 },
    );
    /** target_rate_per_second by run_id, scraped now. */
    const scrape = async (): Promise<Map<string, number>> => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const rates = new Map<string, number>();
      for (const m of text.matchAll(/^backend_bench_target_rate_per_second\{[^}]*run_id="(\w+)"[^}]*\} (\S+)$/gm)) {
        rates.set(m[1] as string, Number(m[2]));
      }
      return rates;
    };
    // Scrape twice a second while the search runs; keep each distinct (run id, rate) in the order first seen.
    let done = false;
    const seen: string[] = [];
    const watching = (async () => {
      while (!done) {
        const rates = await scrape().catch(() => new Map<string, number>());
        for (const [id, rate] of rates) if (rate > 0 && !seen.includes(`${id} ${rate}`)) seen.push(`${id} ${rate}`);
        await sleep(500);
      }
    })();
    const run = await running;
    done = true;
    await watching;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const ids = new Set(seen.map((x) => x.split(' ')[0]));
    expect(ids.size, seen.join(', ')).toBe(1);
    expect(seen.map((x) => Number(x.split(' ')[1]))).toEqual([20, 40]);
  }, 50_000);
});

describe('a search cut by --max-duration, a --min it meets, and compare of two capacity results', () => {
  it('stops starting steps after --max-duration, passes --min with "at least", and gates a capacity fall', async () => {
    const server = await startServer(queueing(4, 10));
    servers.push(server);
    const dir = tempDir('bb-capacity-ci-');
    const out = join(dir, 'capacity.json');
    // The first step (1 s warm-up + 1 s held) outlasts --max-duration 1s: no second step starts.
    const run = await runCli(
      [
        ...['capacity', '--url', `${server.url}/`, '--slo', 'p95 < 100ms', '--start', '100', '--workers', '1'],
        ...['--step-duration', '1s', '--warmup', '1s', '--max-duration', '1s', '--min', '50', '--out', out],
      ],
      { timeoutMs: 30_000 },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const c = readCapacity(out).capacity;
    expect(c.stoppedBy).toBe('max-duration');
    expect(c.steps.map((s) => s.rate)).toEqual([100]);
    expect(c).toMatchObject({ rate: 100, atLeast: true, bracket: [100, null], generatorBound: false });
    expect(run.stdout).toMatch(/capacity at least 100 requests\/s: the search stopped \(max-duration\)/);
    // The per-step line reads like the table: the rate as held, p95 rounded.
    expect(run.stderr).toMatch(/^step 1: 100 requests\/s → achieved \d+(\.\d)? · p95 \d+(\.\d+)? ms · pass$/m);

    // compare reads two capacity results like runs, with a capacity row: the result above, as a baseline that found
    // 400/s in [400, 420] and as a current search that found 300/s in [300, 315] (the runs themselves are the same).
    const doc = JSON.parse(readFileSync(out, 'utf8')) as CapacityResult;
    const write = (name: string, rate: number, top: number): string => {
      const file = join(dir, name);
      const capacity = { ...doc.capacity, rate, bracket: [rate, top], atLeast: false, stoppedBy: 'precision' };
      writeFileSync(file, JSON.stringify({ ...doc, capacity }));
      return file;
    };
    const [base, cur] = [write('base.json', 400, 420), write('cur.json', 300, 315)];
    const fell = await runCli(['compare', base, cur]);
    expect(fell.code, fell.stdout + fell.stderr).toBe(1);
    expect(fell.stdout).toMatch(/capacity +capacity +400\/s +300\/s +−25\.0%.* −10% +✗ REGRESSION/);
    const budget = await runCli(['compare', base, cur, '--max-regression', 'capacity=30%']);
    expect(budget.code, budget.stdout + budget.stderr).toBe(0);
    expect(budget.stdout).toMatch(/capacity +capacity +400\/s +300\/s .* −30% +within noise/);
  }, 60_000);
});

describe('Ctrl-C during a search', () => {
  it('keeps what was found: exit 130, the steps held so far in the result', async () => {
    const server = await startServer(queueing(4, 10));
    servers.push(server);
    const out = join(tempDir('bb-capacity-int-'), 'capacity.json');
    let pid = 0;
    const args = ['capacity', '--url', `${server.url}/`, '--slo', 'p95 < 100ms', '--start', '50', '--workers', '1'];
    const running = runCli([...args, ...SHORT_STEPS, '--out', out], { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
    await sleep(11_000);
    process.kill(pid, 'SIGINT');
    const run = await running;
    expect(run.code, run.stdout + run.stderr).toBe(130);
    const c = readCapacity(out).capacity;
    expect(c.stoppedBy).toBe('interrupted');
    expect(c.steps.filter((s) => s.verdict === 'pass').length).toBeGreaterThanOrEqual(1);
    expect(c.rate).toBeGreaterThanOrEqual(50);
  }, 70_000);
});

describe('capacity of an event pipeline whose consumer takes 100 msg/s (Redis Streams)', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { protocol: 2 });
  const stream = uniqueName('capacity');
  afterAll(async () => {
    await redis.del(stream);
    await redis.quit();
  });

  it('finds a capacity near 100 msg/s, limited by lag growth', async () => {
    await redis.call('XGROUP', 'CREATE', stream, 'app', '$', 'MKSTREAM');
    // The application: reads at most what 100/s allows since it started, every 20 ms.
    let running = true;
    const app = (async () => {
      const reader = new Redis('redis://127.0.0.1:6379', { protocol: 2 });
      const t0 = Date.now();
      let read = 0;
      while (running) {
        const allowance = Math.min(50, Math.floor(((Date.now() - t0) / 1000) * 100) - read);
        if (allowance > 0) {
          const reply = (await reader.call(
            ...['XREADGROUP', 'GROUP', 'app', 'worker', 'COUNT', allowance, 'STREAMS', stream, '>'],
          )) as [string, [string, string[]][]][] | null;
          const ids = reply?.[0]?.[1].map(([id]) => id) ?? [];
          if (ids.length > 0) await reader.call('XACK', stream, 'app', ...ids);
          read += ids.length;
          // Idle time is not banked: a consumer that had nothing to read does not get to burst later.
          if (ids.length < allowance) read = Math.floor(((Date.now() - t0) / 1000) * 100);
        }
        await sleep(20);
      }
      await reader.quit();
    })();
    try {
      const file = writeEventScenario({
        broker: 'redis://127.0.0.1:6379',
        queue: [`stream: ${stream}`, 'group: app', 'mode: produce-only'],
        load: '{ rate: 10, duration: 1s }',
        drain: '1s',
      });
      const out = join(tempDir('bb-capacity-events-'), 'capacity.json');
      const run = await runCli(['capacity', file, '--start', '40', ...SHORT_STEPS, '--out', out], {
        timeoutMs: 100_000,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const c = readCapacity(out).capacity;
      expect(c.unit).toBe('messages/s');
      const steps = JSON.stringify(c.steps.map((s) => [s.rate, s.achievedRate, s.verdict, s.lag]));
      expect(c.limitedBy, steps).toBe('lag growth');
      expect(c.rate, steps).toBeGreaterThanOrEqual(85);
      expect(c.rate, steps).toBeLessThanOrEqual(110);
      const failing = c.steps.find((s) => s.verdict === 'fail');
      expect(failing?.lag?.growing).toBe(true);
    } finally {
      running = false;
      await app;
    }
  }, 110_000);
});
