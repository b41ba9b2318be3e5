/**
 * Entry of the consumer worker thread (see WorkerConsumerHost): connects its own adapter, runs the consumers and
 * sends receipts back in small batches, so the main thread does the accounting and this one only consumes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adapterFor } from './adapter-registry.js';
import type { BrokerAdapter } from './broker-adapter.js';
import { type ConsumerWorkerData, RECEIPT_FIELDS, type WorkerMessage } from './consumer-host.js';
import { ConsumerRunner } from './consumer-runner.js';
import { within } from '../engine.js';

const BATCH = 1024;
const CLOSE_WAIT_MS = 1000;
const FLUSH_EVERY_MS = 20;

const port = parentPort;
const data = workerData as ConsumerWorkerData;
const send = (msg: WorkerMessage, transfer: ArrayBuffer[] = []): void => port?.postMessage(msg, transfer);

let buffer = new Float64Array(BATCH * RECEIPT_FIELDS);
let filled = 0;
let runner: ConsumerRunner | undefined;

function flush(): void {
  if (filled === 0) return;
  const out = buffer.subarray(0, filled).slice();
  filled = 0;
  send({ type: 'receipts', data: out, held: runner?.held ?? 0 }, [out.buffer]);
}

function receipt(consumer: number, producer: number, seq: number, e2eMs: number): void {
  buffer[filled] = consumer;
  buffer[filled + 1] = producer;
  buffer[filled + 2] = seq;
  buffer[filled + 3] = e2eMs;
  filled += RECEIPT_FIELDS;
  if (filled === buffer.length) {
    flush();
    buffer = new Float64Array(BATCH * RECEIPT_FIELDS);
  }
}

async function main(): Promise<void> {
  const factory = adapterFor(data.target.url);
  if (factory === undefined) throw new Error(`no adapter for ${data.target.display}`);
  const adapter: BrokerAdapter = await factory(data.target, {
    lost: (err) => send({ type: 'connection', state: 'lost', message: err.message }),
    restored: () => send({ type: 'connection', state: 'restored', message: '' }),
    groupRecreated: (how) => send({ type: 'connection', state: 'recreated', message: how }),
  });
  try {
    await adapter.connect();
    await adapter.prepare();
    runner = new ConsumerRunner(adapter, data.settings, receipt);
    await runner.start();
  } catch (err) {
    await adapter.close();
    throw err;
  }
  let lastHeld = -1;
  const timer = setInterval(() => {
    const held = runner?.held ?? 0;
    if (filled > 0) flush();
    // The held count alone, when it changed: the engine adds it to a broker figure that leaves it out.
    else if (held !== lastHeld) send({ type: 'receipts', data: new Float64Array(0), held });
    lastHeld = held;
  }, FLUSH_EVERY_MS);
  send({ type: 'ready' });
  port?.once('message', () => {
    void (async () => {
      await runner?.stop();
      clearInterval(timer);
      flush();
      send({ type: 'stopped' });
      // A broker that is gone can hold a close for its whole timeout; the host terminates this thread if it must.
      await within(adapter.close(), CLOSE_WAIT_MS);
      port.close();
    })();
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  port?.close();
});
