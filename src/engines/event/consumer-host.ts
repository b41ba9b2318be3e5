import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BrokerAdapter, BrokerTarget, ConnectionObserver } from './broker-adapter.js';
import { ConsumerRunner, type ConsumerSettings, type ReceiptListener } from './consumer-runner.js';

/** What consumers report back to the engine. */
export interface ConsumerEvents extends ConnectionObserver {
  receipt: ReceiptListener;
  /** After each batch of receipts from the consumer worker. */
  receiptsDone?(): void;
}

/** Where the run's consumers live: a worker thread (real brokers) or the engine's own thread (the demo broker). */
export interface ConsumerHost {
  /** Connects and subscribes every consumer; rejects with a message fit for the user when that fails. */
  start(): Promise<void>;
  /** Deliveries held by our consumers and not yet acknowledged. */
  readonly held: number;
  /** Stops the consumers; every receipt they produced has been reported when it resolves. */
  stop(): Promise<void>;
}

/**
 * Consumers in the engine's own thread: for the in-process demo broker, which lives in this thread's memory, and on
 * one CPU, where a consumer thread would only preempt the publisher (consumerThreadsFor).
 */
export class InlineConsumerHost implements ConsumerHost {
  private adapter: BrokerAdapter | undefined;
  private runner: ConsumerRunner | undefined;

  constructor(
    private readonly create: (observer: ConnectionObserver) => Promise<BrokerAdapter>,
    private readonly settings: ConsumerSettings,
    private readonly events: ConsumerEvents,
  ) {}

  get held(): number {
    return this.runner?.held ?? 0;
  }

  async start(): Promise<void> {
    this.adapter = await this.create(this.events);
    await this.adapter.connect();
    await this.adapter.prepare();
    this.runner = new ConsumerRunner(this.adapter, this.settings, this.events.receipt);
    await this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    await this.adapter?.close();
  }
}

/** Start-up data of the consumer worker (structured-cloneable). */
export interface ConsumerWorkerData {
  target: BrokerTarget;
  settings: ConsumerSettings;
}

/** Messages from the consumer worker. Receipts come in batches of RECEIPT_FIELDS numbers each. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'receipts'; data: Float64Array; held: number }
  | { type: 'connection'; state: 'lost' | 'restored' | 'recreated'; message: string }
  | { type: 'stopped' };

export const RECEIPT_FIELDS = 4;
/**
 * The worker's own stop is bounded (consumers wind down within ConsumerRunner's grace, the connection close within
 * a second); past this the thread is terminated, so a stuck client library cannot hold the end of the run.
 */
const STOP_TIMEOUT_MS = 3000;

/**
 * Consumers in a worker thread with their own broker connection and event loop, so a busy publisher in the main
 * thread cannot delay them, and the produce→consume latency they measure is the pipeline's, not ours.
 */
export class WorkerConsumerHost implements ConsumerHost {
  private worker: Worker | undefined;
  private heldCount = 0;
  private stopped: Promise<void> | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly data: ConsumerWorkerData,
    private readonly events: ConsumerEvents,
  ) {}

  get held(): number {
    return this.heldCount;
  }

  start(): Promise<void> {
    const worker = spawnWorker(this.data);
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          ready = true;
          resolve();
        } else if (msg.type === 'failed') reject(new Error(msg.message));
        else this.handle(msg);
      });
      // After start, a dead worker means consumption stopped: say so (counted like a lost connection).
      worker.on('error', (err) =>
        ready ? this.events.lost(new Error(`consumer worker failed: ${err.message}`)) : reject(err),
      );
      worker.once('exit', (code) => reject(new Error(`consumer worker exited with code ${code} before it was ready`)));
    });
  }

  private handle(msg: WorkerMessage): void {
    if (msg.type === 'receipts') {
      const d = msg.data;
      for (let i = 0; i + RECEIPT_FIELDS <= d.length; i += RECEIPT_FIELDS) {
        this.events.receipt(d[i] as number, d[i + 1] as number, d[i + 2] as number, d[i + 3] as number);
      }
      if (d.length > 0) this.events.receiptsDone?.();
      this.heldCount = msg.held;
    } else if (msg.type === 'connection') {
      if (msg.state === 'lost') this.events.lost(new Error(msg.message));
      else if (msg.state === 'recreated') this.events.groupRecreated(msg.message);
      else this.events.restored();
    } else if (msg.type === 'stopped') {
      this.heldCount = 0;
    }
  }

  stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return Promise.resolve();
    this.stopped ??= (async () => {
      worker.postMessage({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.stopped;
  }
}

/**
 * `count` consumers over at most `threads` threads (never an idle one): contiguous blocks, the remainder to the
 * first threads, so 5 over 2 is consumers 0-2 and 3-4.
 */
export function consumerBlocks(count: number, threads: number): { first: number; count: number }[] {
  const n = Math.max(1, Math.min(threads, count));
  const base = Math.floor(count / n);
  return Array.from({ length: n }, (_, t) => ({
    first: t * base + Math.min(t, count % n),
    count: base + (t < count % n ? 1 : 0),
  }));
}

/**
 * A queue's consumers spread over several consumer threads (`run --workers N` with several consumers): consumer i
 * runs in one of N threads (consumerBlocks; at most one thread per consumer), each thread with its own connection, so one thread's
 * event loop is not the limit of the queue's consumption. They start together (a Kafka group rebalances once).
 */
export class SpreadConsumerHost implements ConsumerHost {
  private readonly hosts: WorkerConsumerHost[];

  constructor(data: ConsumerWorkerData, threads: number, events: ConsumerEvents) {
    this.hosts = consumerBlocks(data.settings.count, threads).map(
      (block) => new WorkerConsumerHost({ ...data, settings: { ...data.settings, ...block } }, events),
    );
  }

  get held(): number {
    return this.hosts.reduce((a, h) => a + h.held, 0);
  }

  async start(): Promise<void> {
    const started = await Promise.allSettled(this.hosts.map((h) => h.start()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed === undefined) return;
    await this.stop();
    throw failed.reason;
  }

  async stop(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop()));
  }
}

/**
 * Built, the worker is a compiled .js sibling. Under vitest or tsx only the .ts source exists: a worker does not
 * inherit the parent's loader hooks on Node 20, so a small bootstrap registers tsx (a devDependency, never needed
 * once built) inside the worker before importing the source.
 */
function spawnWorker(data: ConsumerWorkerData): Worker {
  const jsUrl = new URL('./consumer-worker.js', import.meta.url);
  if (existsSync(jsUrl)) return new Worker(jsUrl, { workerData: data, execArgv: [] });
  const tsUrl = new URL('./consumer-worker.ts', import.meta.url).href;
  const tsxApi = tsxEsmApi();
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(tsUrl)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

/** tsx's ESM register API, resolved through its package exports (require.resolve would give the CommonJS build). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = pkg.exports['./esm/api']?.import.default;
  if (entry === undefined)
    throw new Error('tsx has no ./esm/api export (run npm run build to use the compiled worker)');
  return pathToFileURL(join(dirname(manifest), entry)).href;
}
