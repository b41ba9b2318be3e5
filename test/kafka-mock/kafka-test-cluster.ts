/**
 * A Kafka cluster for tests. By default it is librdkafka's mock cluster (Debian's librdkafka-dev), hosted by our
 * small C program `mock-cluster.c`, compiled here with gcc on first use. That is real Kafka wire protocol but not
 * real Kafka: good for adapter, offset, lag and SLO logic; latency figures measured against it mean nothing.
 *
 * When BACKEND_BENCH_KAFKA_BROKERS names a real cluster ("host:port,host:port"), tests use it instead and topics
 * are created through the admin API.
 */
import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'mock-cluster.c');
// Keyed by a hash of the source, so an edited host is rebuilt and a stale binary is never used.
const BUILD_DIR = join(here, '..', '..', 'node_modules', '.cache', 'backend-bench', 'kafka-mock');
const STARTUP_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface KafkaTestCluster {
  /** "host:port" entries, ready for kafkajs `brokers` or a `kafka://` URL. */
  brokers: string[];
  /** True when the mock cluster is in use: protocol-level only, latency figures meaningless. */
  mock: boolean;
  /** What this cluster is, e.g. "librdkafka mock cluster, protocol-level only". */
  label: string;
  /** Mock only: takes broker `id` (1-based) down (connections closed, new ones refused) or brings it back. */
  setBrokerUp?(id: number, up: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Compiles the mock host if its binary for the current source is missing; returns the binary's path. */
export async function buildMockClusterHost(): Promise<string> {
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const binary = join(BUILD_DIR, `mock-cluster-${digest}`);
  if (existsSync(binary)) return binary;
  mkdirSync(BUILD_DIR, { recursive: true });
  // Compile to a private name and rename, so two test processes building at once never run a half-written file.
  const partial = `${binary}.${process.pid}.tmp`;
  const flags = ['-O2', '-Wall', '-Wextra', '-std=c11', '-D_POSIX_C_SOURCE=200809L'];
  const args = [...flags, '-o', partial, SOURCE, '-lrdkafka'];
  try {
    await promisify(execFile)('gcc', args);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const needs = 'needs gcc and librdkafka-dev: apt-get install -y gcc librdkafka-dev';
    throw new Error(`cannot compile ${SOURCE} (${needs}): ${detail}`);
  }
  renameSync(partial, binary);
  return binary;
}

type HostProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts a mock cluster with `brokers` brokers and the given topics pre-created. */
export async function startMockCluster(
  options: { brokers?: number; topics?: TopicSpec[] } = {},
): Promise<KafkaTestCluster> {
  const binary = await buildMockClusterHost();
  const args = ['--brokers', String(options.brokers ?? 1)];
  for (const topic of options.topics ?? []) args.push('--topic', `${topic.name}:${topic.partitions}`);
  const child: HostProcess = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = new HostLines(child);
  const bootstrap = await readBootstrapLine(child, host, exited, () => stderr);
  return {
    brokers: bootstrap.split(','),
    mock: true,
    label: kafkaTestTarget(),
    setBrokerUp: (id, up) => host.command(`${up ? 'up' : 'down'} ${id}`),
    stop: async () => {
      await stopHost(child, exited);
      host.close();
    },
  };
}

/** The host's stdout, line by line: the bootstrap line first, then one acknowledgement per command, in order. */
class HostLines {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(private readonly child: HostProcess) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  next(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async command(text: string): Promise<void> {
    const ack = this.next();
    this.child.stdin.write(`${text}\n`);
    const line = await ack;
    if (line !== `ok ${text}`) throw new Error(`mock cluster refused "${text}": ${line}`);
  }

  close(): void {
    this.lines.close();
  }
}

async function readBootstrapLine(
  child: HostProcess,
  host: HostLines,
  exited: Promise<void>,
  stderr: () => string,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      host.next(),
      exited.then(() => {
        throw new Error(`mock cluster exited before printing its bootstrap servers: ${stderr().trim()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('mock cluster did not start within 10 s')), STARTUP_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    host.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function stopHost(child: HostProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Stopped by its own PID only; closing stdin also stops it, should SIGTERM be lost.
  process.kill(child.pid ?? 0, 'SIGTERM');
  child.stdin.end();
  const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killTimer);
}

/** For test names, known before the cluster starts: which kind of cluster the Kafka tests run against. */
export function kafkaTestTarget(): string {
  const real = process.env.BACKEND_BENCH_KAFKA_BROKERS?.trim();
  return real ? `real Kafka cluster ${real}` : 'librdkafka mock cluster, protocol-level only';
}

/**
 * The cluster the Kafka tests run against: the real one named by BACKEND_BENCH_KAFKA_BROKERS (topics created
 * through the admin API, left in place afterwards), else a fresh mock cluster.
 */
export async function startKafkaTestCluster(topics: TopicSpec[], mockBrokers = 1): Promise<KafkaTestCluster> {
  const real = process.env.BACKEND_BENCH_KAFKA_BROKERS?.trim();
  if (real === undefined || real === '') return startMockCluster({ brokers: mockBrokers, topics });
  const brokers = real.split(',').map((broker) => broker.trim());
  await createTopics(brokers, topics);
  return { brokers, mock: false, label: kafkaTestTarget(), stop: async () => {} };
}

async function createTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'backend-bench-tests', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
    });
  } finally {
    await admin.disconnect();
  }
}
