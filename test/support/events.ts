import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect as natsConnect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { EventsSection } from '../../src/workloads/events/section.js';
import { type CliRun, readResult, runCli, tempDir } from './cli.js';

/** Shared by the per-broker event tests: scenario files, runs of the built CLI, broker command-line tools. */

export const exec = promisify(execFile);

/** Names unique to this test process, so parallel runs and leftovers never collide. */
export const uniqueName = (what: string): string => `bb-e2e-${what}-${process.pid}-${Date.now().toString(36)}`;

/**
 * The local Redis for one test file: a client opened before its tests, and after them every stream named with
 * `newStream` deleted and the client closed.
 */
export function redisForSuite(url: string): { readonly client: Redis; newStream(what: string): string } {
  const streams: string[] = [];
  let client: Redis | undefined;
  beforeAll(() => {
    client = new Redis(url, { protocol: 2 });
  });
  afterAll(async () => {
    if (streams.length > 0) await client?.del(...streams);
    await client?.quit();
  });
  return {
    get client(): Redis {
      if (client === undefined) throw new Error('the suite Redis client is opened in beforeAll');
      return client;
    },
    newStream(what: string): string {
      const s = uniqueName(what);
      streams.push(s);
      return s;
    },
  };
}

/**
 * The shared NATS server for one suite: a connection and JetStream manager opened in beforeAll and closed in
 * afterAll, and unique subjects whose streams (named as the tool names them: the subject with dots as underscores)
 * are deleted at the end.
 */
export function natsForSuite(): {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  newSubject(what: string): { subject: string; stream: string };
} {
  const streams: string[] = [];
  let opened: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  beforeAll(async () => {
    const nc = await natsConnect({ servers: '127.0.0.1:4222' });
    opened = { nc, jsm: await jetstreamManager(nc) };
  });
  afterAll(async () => {
    for (const s of streams) await opened?.jsm.streams.delete(s).catch(() => undefined);
    await opened?.nc.close();
  });
  const get = (): { nc: NatsConnection; jsm: JetStreamManager } => {
    if (opened === undefined) throw new Error('the suite NATS connection is opened in beforeAll');
    return opened;
  };
  return {
    get nc(): NatsConnection {
      return get().nc;
    },
    get jsm(): JetStreamManager {
      return get().jsm;
    },
    newSubject(what: string): { subject: string; stream: string } {
      const subject = uniqueName(what).replace(/-/g, '.');
      const stream = subject.replace(/[^A-Za-z0-9_-]/g, '_');
      streams.push(stream);
      return { subject, stream };
    },
  };
}

export interface EventScenario {
  broker: string;
  /** The queue entry's lines after `- name: orders`, each indented by 6 spaces. */
  queue: string[];
  load: string;
  slos?: string[];
  drain?: string;
  /** Remove what the run created (queue, stream) at its end. */
  cleanup?: boolean;
}

export function writeEventScenario(s: EventScenario): string {
  const file = join(tempDir('bb-events-'), 'scenario.yaml');
  const slos = s.slos === undefined ? '' : `slos:\n${s.slos.map((x) => `  - "${x}"`).join('\n')}\n`;
  writeFileSync(
    file,
    `name: events-e2e
events:
  broker: ${s.broker}
  drain: ${s.drain ?? '10s'}
${s.cleanup === true ? '  cleanup: true\n' : ''}  queues:
    - name: orders
${s.queue.map((l) => `      ${l}`).join('\n')}
load: ${s.load}
${slos}`,
  );
  return file;
}

export interface EventRun {
  run: CliRun;
  /** undefined when no result file was written. */
  events: EventsSection | undefined;
  out: string;
}

export async function runEvents(
  file: string,
  options: {
    onSpawn?: (pid: number) => void;
    timeoutMs?: number;
    args?: readonly string[];
    /** Pins the CLI to these CPUs (taskset -c): one CPU runs the consumers in the publishing thread. */
    cpus?: string;
  } = {},
): Promise<EventRun> {
  const out = join(tempDir('bb-events-out-'), 'result.json');
  const run = await runCli(['run', file, '--out', out, '--quiet', ...(options.args ?? [])], {
    timeoutMs: options.timeoutMs ?? 90_000,
    onSpawn: options.onSpawn,
    cpus: options.cpus,
  });
  return { run, out, events: existsSync(out) ? readResult(out).events : undefined };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns true or `ms` passes; returns whether it did. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

/** The broker lag the run saw rise: later samples above earlier ones, ending well above zero. */
export function lagRose(e: EventsSection): boolean {
  const values = e.lag.series.map((p) => p.lag).filter((v): v is number => v !== null);
  const firstHalf = values.slice(0, Math.ceil(values.length / 2));
  return values.length >= 3 && Math.max(...values) > Math.max(0, ...firstHalf.slice(0, 2)) && (e.lag.max ?? 0) > 0;
}

/** Messages in a result's produce→consume histogram (whole run): none at all when nothing of ours consumed. */
export function e2eRecorded(e: EventsSection | undefined): number {
  return e === undefined ? -1 : decodeHistogram(e.histograms.e2e).totalCount;
}

/**
 * Every broker's "unreachable broker" check: `broker` is a URL to port 1 carrying the password `s3cret-pw`. The run
 * exits 3 naming the URL with its credentials hidden, the password appears nowhere, and no result is written.
 */
export async function expectUnreachableBroker(broker: string, queueLine: string): Promise<void> {
  const file = writeEventScenario({ broker, queue: [queueLine], load: '{ rate: 10, duration: 1s }' });
  const { run, events } = await runEvents(file, { timeoutMs: 30_000 });
  const scheme = broker.slice(0, broker.indexOf('://'));
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(new RegExp(`cannot connect to ${scheme}://\\*\\*\\*@127\\.0\\.0\\.1:1`));
  expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
  expect(events).toBeUndefined();
}

/**
 * A healthy run of `count` messages: every publish confirmed and consumed once, nothing lost, undelivered,
 * duplicated or failed, a small e2e p50, and the broker's lag back to 0 at the end.
 */
export function expectHealthy(e: EventsSection | undefined, count: number): void {
  expect(e).toMatchObject({
    attempted: count,
    acked: count,
    consumed: count,
    lost: 0,
    undelivered: 0,
    duplicates: 0,
    failed: 0,
  });
  expect(e?.e2eLatencyMs.p50).toBeLessThan(50);
  expect(e?.lag.final).toBe(0);
}

/**
 * Our own redis-server on `port`, no persistence: a broker a test may kill (by its pid) and restart, or configure
 * (`extra` config lines as arguments) without touching the shared one.
 */
export async function startRedis(port: number, extra: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  const up = await waitFor(async () => {
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    }
  }, 10_000);
  probe.disconnect();
  if (!up) throw new Error(`redis-server on port ${port} did not start`);
  return child;
}

/** Kills our redis-server by its pid and waits until it is gone. */
export async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** Where a healthy run's consumers run: in a thread of their own, or (pinned to one CPU) in the publishing thread. */
export const CONSUMER_PLACEMENTS = [
  ['consumer thread', undefined],
  ['one CPU, consumers in the publishing thread', '0'],
] as const;

/** 600 messages at 200/s under the healthy-run SLOs, on `cpus`: exit 0 and every message accounted for. */
export async function runHealthy(broker: string, queue: string[], cpus: string | undefined): Promise<EventRun> {
  const file = writeEventScenario({
    broker,
    queue,
    load: '{ rate: 200, duration: 3s }',
    slos: ['lost = 0', 'lag_final = 0', 'consume_rate >= 99%', 'e2e_p50 < 50ms'],
  });
  const result = await runEvents(file, { cpus });
  expect(result.run.code, result.run.stdout + result.run.stderr).toBe(0);
  expectHealthy(result.events, 600);
  return result;
}

/**
 * XTRIM MAXLEN 0 of `stream`, atomically with the read count of `group` (one MULTI): how many entries the trim
 * removed, and how many of the stream's entries the group had been handed by then. On a fresh stream the entries
 * handed over before the trim still reach the consumer and the rest of what was trimmed is lost, so the loss a
 * run reports is trimmed - read (give or take a read in flight).
 */
export async function trimCountingReads(
  redis: Redis,
  stream: string,
  group: string,
): Promise<{ trimmed: number; read: number }> {
  const replies = await redis.multi().call('XINFO', 'GROUPS', stream).call('XTRIM', stream, 'MAXLEN', 0).exec();
  const [groups, trimmed] = (replies ?? []).map(([err, value]) => {
    if (err !== null) throw err;
    return value;
  });
  let read = NaN;
  for (const entry of groups as unknown[][]) {
    const m = new Map<string, unknown>();
    for (let i = 0; i + 1 < entry.length; i += 2) m.set(String(entry[i]), entry[i + 1]);
    if (m.get('name') === group) read = Number(m.get('entries-read'));
  }
  return { trimmed: Number(trimmed), read };
}
