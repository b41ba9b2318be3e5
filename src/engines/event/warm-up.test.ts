import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrokerAdapter, OutgoingMessage } from './broker-adapter.js';
import { publishForWarmUp, WARM_UP_MESSAGES, warmUpClients } from './warm-up.js';

const SAMPLE: OutgoingMessage = { body: Buffer.alloc(8), headers: { 'x-bb': 'envelope' } };

/** An adapter whose only live part is warmUp; the rest is never called by warmUpClients. */
function fakeAdapter(broker: string, warmUp?: BrokerAdapter['warmUp']): BrokerAdapter {
  const never = (): never => {
    throw new Error('not used by a warm-up');
  };
  return {
    broker,
    connect: never,
    prepare: never,
    publish: never,
    consume: never,
    lag: never,
    close: never,
    ...(warmUp && { warmUp }),
  };
}

describe('warmUpClients', () => {
  it('warms each broker once per thread, with the queue’s own sample, and skips adapters that cannot warm', async () => {
    const calls: string[] = [];
    const warm =
      (name: string): BrokerAdapter['warmUp'] =>
      (sample, count) => {
        calls.push(`${name} ${count} ${sample.headers['x-bb']}`);
        return Promise.resolve(count);
      };
    const signal = new AbortController().signal;
    await warmUpClients(
      [
        { adapter: fakeAdapter('Broker A', warm('a1')), sample: SAMPLE, mayCreate: true },
        { adapter: fakeAdapter('Broker A', warm('a2')), sample: SAMPLE, mayCreate: true },
        { adapter: fakeAdapter('Broker B', warm('b')), sample: SAMPLE, mayCreate: true },
        { adapter: fakeAdapter('Broker C'), sample: SAMPLE, mayCreate: true },
      ],
      signal,
    );
    await warmUpClients(
      [{ adapter: fakeAdapter('Broker B', warm('b again')), sample: SAMPLE, mayCreate: true }],
      signal,
    );
    expect(calls).toEqual([`a1 ${WARM_UP_MESSAGES} envelope`, `b ${WARM_UP_MESSAGES} envelope`]);
  });

  it('makes nothing on a broker whose queue says create: false (the application owns what is there)', async () => {
    const calls: string[] = [];
    const warm: BrokerAdapter['warmUp'] = () => (calls.push('warmed'), Promise.resolve(1));
    await warmUpClients(
      [{ adapter: fakeAdapter('Not ours', warm), sample: SAMPLE, mayCreate: false }],
      new AbortController().signal,
    );
    expect(calls).toEqual([]);
  });

  it('a warm-up that fails is not an error: the next broker is still warmed', async () => {
    const warmedAfter: string[] = [];
    await warmUpClients(
      [
        {
          adapter: fakeAdapter('Refusing', () => Promise.reject(new Error('permission denied'))),
          sample: SAMPLE,
          mayCreate: true,
        },
        {
          adapter: fakeAdapter('Next', () => (warmedAfter.push('next'), Promise.resolve(1))),
          sample: SAMPLE,
          mayCreate: true,
        },
      ],
      new AbortController().signal,
    );
    expect(warmedAfter).toEqual(['next']);
  });

  it('a stop (Ctrl-C) ends a warm-up under way and skips the ones after it', async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    const hanging: BrokerAdapter['warmUp'] = (_s, _c, signal) =>
      new Promise((resolve) => {
        seen.push('started');
        setTimeout(() => stop.abort(), 5);
        signal.addEventListener('abort', () => (seen.push('told to stop'), resolve(0)));
      });
    await warmUpClients(
      [
        { adapter: fakeAdapter('Hanging', hanging), sample: SAMPLE, mayCreate: true },
        {
          adapter: fakeAdapter('After', () => (seen.push('after'), Promise.resolve(1))),
          sample: SAMPLE,
          mayCreate: true,
        },
      ],
      stop.signal,
    );
    expect(seen).toEqual(['started', 'told to stop']);
  });
});

describe('warmUpClients on a broker that stalls', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a warm-up at its limit and, if it does not end, moves on without it: the run is not held', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    // Told to stop at the limit, it neither stops nor ends (a connect or a clean-up that hangs).
    const stuck: BrokerAdapter['warmUp'] = (_s, _c, signal) => {
      signal.addEventListener('abort', () => seen.push('told to stop'));
      return new Promise(() => undefined);
    };
    let over = false;
    const done = warmUpClients(
      [{ adapter: fakeAdapter('Stalled', stuck), sample: SAMPLE, mayCreate: true }],
      new AbortController().signal,
    );
    void done.then(() => (over = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toEqual(['told to stop']);
    expect(over).toBe(false);
    await vi.advanceTimersByTimeAsync(6000);
    expect(over).toBe(true);
  });
});

describe('publishForWarmUp', () => {
  it('publishes exactly the count, never more than 500 unconfirmed, and returns once all have settled', async () => {
    let started = 0;
    let inFlight = 0;
    let most = 0;
    let settled = 0;
    const publish = (): Promise<void> => {
      started++;
      most = Math.max(most, ++inFlight);
      // Every third one fails: a warm-up counts nothing, so failures settle like successes.
      const fail = started % 3 === 0;
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          inFlight--;
          settled++;
          if (fail) reject(new Error('nack'));
          else resolve();
        }, 1),
      );
    };
    await publishForWarmUp(2000, publish, new AbortController().signal);
    expect({ started, settled }).toEqual({ started: 2000, settled: 2000 });
    expect(most).toBeLessThanOrEqual(500);
    expect(most).toBeGreaterThan(1);
  });

  it('stops starting publishes at the signal, even with every slot taken by publishes that never settle', async () => {
    const stop = new AbortController();
    let started = 0;
    const done = publishForWarmUp(2000, () => (started++, new Promise<void>(() => undefined)), stop.signal);
    setTimeout(() => stop.abort(), 50);
    await done;
    expect(started).toBe(500);
  });
});
