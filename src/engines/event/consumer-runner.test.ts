import { describe, expect, it } from 'vitest';
import type { BrokerAdapter, ConsumerHandle, ConsumerSpec } from './broker-adapter.js';
import { consumerBlocks } from './consumer-host.js';
import { ConsumerRunner } from './consumer-runner.js';

/** An adapter whose consume() takes `ms` to subscribe (as a group join does) and fails for the indexes given. */
function slowSubscriber(ms: number, failing: ReadonlySet<number> = new Set()) {
  const log = { inFlight: 0, peak: 0, started: [] as number[], stopped: [] as number[] };
  const consume = async (spec: ConsumerSpec): Promise<ConsumerHandle> => {
    log.inFlight++;
    log.peak = Math.max(log.peak, log.inFlight);
    await new Promise((resolve) => setTimeout(resolve, ms * (1 + spec.index / 10)));
    log.inFlight--;
    if (failing.has(spec.index)) throw new Error(`group join refused for member ${spec.index}`);
    log.started.push(spec.index);
    return { stop: async () => void log.stopped.push(spec.index) };
  };
  const unused = (): Promise<never> => Promise.reject(new Error('not used by ConsumerRunner'));
  const adapter: BrokerAdapter = {
    broker: 'test',
    connect: async () => undefined,
    prepare: async () => undefined,
    publish: unused,
    consume,
    lag: unused,
    close: async () => undefined,
  };
  return { log, adapter };
}

const settings = (count: number) => ({ count, prefetch: 10, processingDelayMs: 0, runId: 'r1' });

describe('ConsumerRunner.start', () => {
  it('subscribes every consumer at once, not one after the other', async () => {
    const { log, adapter } = slowSubscriber(200);
    const runner = new ConsumerRunner(adapter, settings(4), () => undefined);
    const t0 = performance.now();
    await runner.start();
    expect(log.peak).toBe(4);
    expect(log.started.sort()).toEqual([0, 1, 2, 3]);
    // One after the other would be 200 + 220 + 240 + 260 ms.
    expect(performance.now() - t0).toBeLessThan(700);
    await runner.stop();
    expect(log.stopped.sort()).toEqual([0, 1, 2, 3]);
  });

  it('one consumer failing: the error names it, and the consumers that did start are stopped', async () => {
    const { log, adapter } = slowSubscriber(50, new Set([1]));
    const runner = new ConsumerRunner(adapter, settings(3), () => undefined);
    await expect(runner.start()).rejects.toThrow(/^consumer 2 of 3: group join refused for member 1$/);
    expect(log.started.sort()).toEqual([0, 2]);
    expect(log.stopped.sort()).toEqual([0, 2]);
  });

  it('several failing: the first is named and the rest counted; a lone consumer is not numbered', async () => {
    const many = slowSubscriber(10, new Set([0, 2]));
    await expect(new ConsumerRunner(many.adapter, settings(3), () => undefined).start()).rejects.toThrow(
      /^consumer 1 of 3 \(and 1 more\): group join refused for member 0$/,
    );
    expect(many.log.stopped).toEqual([1]);
    const one = slowSubscriber(10, new Set([0]));
    await expect(new ConsumerRunner(one.adapter, settings(1), () => undefined).start()).rejects.toThrow(
      /^group join refused for member 0$/,
    );
  });
});

describe('ConsumerRunner.stop', () => {
  it('a slow consumer with a backlog stops at once: the delivery in hand is acked, the waiting ones never are', async () => {
    let deliver: ((n: number) => Promise<void>) | undefined;
    const acked: number[] = [];
    const handled: Promise<void>[] = [];
    const adapter: BrokerAdapter = {
      ...slowSubscriber(0).adapter,
      // Like the real adapters: each delivery is acked once its handler resolves; stop() waits for all of them.
      consume: async (_spec, handler) => {
        deliver = (n) =>
          handler({ body: Buffer.alloc(0), headers: {}, redelivered: false }).then(() => void acked.push(n));
        return { stop: async () => void (await Promise.all(handled)) };
      },
    };
    const receipts: number[] = [];
    const runner = new ConsumerRunner(
      adapter,
      { count: 1, prefetch: 50, processingDelayMs: 200, runId: 'r1' },
      (consumer) => void receipts.push(consumer),
    );
    await runner.start();
    for (let n = 0; n < 50; n++) handled.push((deliver as (n: number) => Promise<void>)(n));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first done, the second in hand
    const t0 = performance.now();
    await runner.stop(1000);
    const took = performance.now() - t0;
    // Working through the backlog would take 48 × 200 ms; the grace bounds it, and the one in hand ends its delay.
    expect(took).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receipts).toHaveLength(2);
    expect(acked).toEqual([0, 1]);
    expect(runner.held).toBe(48);
  });
});

describe('consumers spread over threads', () => {
  it('contiguous blocks cover every consumer once, the remainder to the first threads, never an idle thread', () => {
    expect(consumerBlocks(5, 2)).toEqual([
      { first: 0, count: 3 },
      { first: 3, count: 2 },
    ]);
    expect(consumerBlocks(2, 4)).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
    ]);
    expect(consumerBlocks(3, 1)).toEqual([{ first: 0, count: 3 }]);
  });

  it("a thread's consumers carry the queue's indices: on the broker and in failures", async () => {
    const { log, adapter } = slowSubscriber(10, new Set([4]));
    const runner = new ConsumerRunner(adapter, { ...settings(2), first: 3 }, () => undefined);
    await expect(runner.start()).rejects.toThrow(/^consumer 5: group join refused for member 4$/);
    expect(log.started).toEqual([3]);
    const ok = slowSubscriber(10);
    await new ConsumerRunner(ok.adapter, { ...settings(2), first: 3 }, () => undefined).start();
    expect(ok.log.started.sort()).toEqual([3, 4]);
  });
});

describe('ConsumerRunner deliveries without a processing delay', () => {
  it('are received the moment they arrive, in order, and stop being taken up once stopped', async () => {
    let handler: ((n: number) => Promise<void>) | undefined;
    const adapter: BrokerAdapter = {
      ...slowSubscriber(0).adapter,
      consume: async (_spec, h) => {
        const envelope = (n: number) => `v1 r1 0 ${n} ${(1000 + n).toFixed(3)} 0`;
        handler = (n) => h({ body: Buffer.alloc(0), headers: { 'x-bb-envelope': envelope(n) }, redelivered: false });
        return { stop: async () => undefined };
      },
    };
    const seqs: number[] = [];
    const runner = new ConsumerRunner(adapter, settings(1), (_c, _p, seq) => void seqs.push(seq));
    await runner.start();
    const deliver = handler as (n: number) => Promise<void>;
    const done = [0, 1, 2].map((n) => deliver(n));
    expect(seqs).toEqual([0, 1, 2]); // no turn awaited before the receipt
    await Promise.all(done);
    expect(runner.held).toBe(0);
    await runner.stop();
    let settled = false;
    void deliver(3).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([settled, seqs.length, runner.held]).toEqual([false, 3, 1]);
  });
});
