import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import { validateScenario } from '../../scenario/load.js';
import { planScenario } from '../../scenario/plan.js';
import { SequenceNumbers } from '../sequence.js';
import { RequestRunner } from './request-runner.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** A server that accepts connections and reads requests but never answers one. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Recorded {
  scope: number;
  latency: number | undefined;
  error: ErrorKind | undefined;
  at: number;
}

function sinkInto(out: Recorded[]): SampleSink {
  return {
    request: (scope, latency, error) => void out.push({ scope, latency, error, at: performance.now() }),
    dropped: () => undefined,
    sendDelay: () => undefined,
    errorSample: () => undefined,
    setInFlight: () => undefined,
    setTargetRate: () => undefined,
  };
}

describe('RequestRunner', () => {
  it('enforces the request timeout within a few ms of each deadline, in deadline order', async () => {
    const base = await silentServer();
    const plan = planScenario(
      validateScenario(
        {
          target: { url: base, timeout: '1s' },
          load: { connections: 3, duration: '1s' },
          requests: [
            { name: 'a', path: '/a' },
            { name: 'b', path: '/b' },
            { name: 'c', path: '/c' },
          ],
        },
        'test',
      ),
    );
    const recorded: Recorded[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const runner = new RequestRunner(plan, sinkInto(recorded), {
      baseUrl: base,
      feed: undefined,
      seq: new SequenceNumbers(0, 1),
      afterExchange: () => recorded.length === 3 && done(),
    });
    cleanups.push(() => runner.close());
    // Staggered starts, so the deadlines do not line up with any fixed sweep period.
    for (const wait of [0, 37, 44]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      runner.fire(runner.connect(), performance.now());
    }
    await finished;
    expect(recorded.map((r) => r.scope)).toEqual([0, 1, 2]);
    for (const r of recorded) {
      expect(r.error).toBe('timeout');
      expect(r.latency).toBeGreaterThanOrEqual(1000);
      expect(r.latency).toBeLessThan(1060);
    }
  });
});
