/**
 * Event runs on the local Mosquitto (127.0.0.1:1883), MQTT 5, end to end through the built CLI. MQTT keeps no
 * per-subscription lag, so these check the client-side figures, the shared subscription and recovery; connections
 * are cut at a TCP relay (the shared broker is never touched).
 */
import { describe, expect, it } from 'vitest';
import { runEvents, sleep, uniqueName, writeEventScenario, expectUnreachableBroker } from './support/events.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const topic = (what: string): string => uniqueName(what).replace(/-/g, '/');

describe('events on MQTT (real Mosquitto on 127.0.0.1:1883)', () => {
  it('healthy run: a shared subscription of two consumers gets everything once; lag is n/a, the backlog 0', async () => {
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`topic: ${topic('healthy')}`, 'consumers: 2', 'size: 256'],
      load: '{ rate: 200, duration: 3s }',
      slos: ['lost = 0', 'undelivered = 0', 'backlog_max < 200', 'e2e_p50 < 50ms'],
    });
    const { run, events: e } = await runEvents(file);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(e).toMatchObject({ attempted: 600, acked: 600, consumed: 600, lost: 0, undelivered: 0, duplicates: 0 });
    expect(e?.lag).toMatchObject({
      max: null,
      final: null,
      clientFinal: 0,
      source: 'MQTT keeps no per-group lag: client-side backlog only',
    });
    expect(run.stdout).toMatch(/lag: MQTT keeps no per-group lag/);
  });

  it('slow consumer: the client-side backlog and the age of the oldest message rise; the backlog SLO fails (exit 1)', async () => {
    const file = writeEventScenario({
      broker: BROKER,
      queue: [`topic: ${topic('slow')}`, 'consumers: 1', 'prefetch: 100', 'processingDelay: 25ms'],
      load: '{ rate: 100, duration: 3s }',
      drain: '1s',
      slos: ['backlog_max < 50', 'time_lag_max < 500ms'],
    });
    const { run, events: e } = await runEvents(file);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✗ FAIL\s+backlog_max < 50/);
    expect(run.stdout).toMatch(/✗ FAIL\s+time_lag_max < 500ms/);
    expect(e?.lag.clientMax).toBeGreaterThan(100);
    expect(e?.lag.timeLagMaxMs).toBeGreaterThan(1000);
    // Without a broker figure, what was not consumed by the end is undelivered (MQTT cannot say where it is).
    expect((e?.consumed ?? 0) + (e?.undelivered ?? 0)).toBe(e?.acked);
    expect(e?.undelivered).toBeGreaterThan(50);
  });

  it('connections cut mid-run: reconnects and resubscribes, counts it, and closes its accounting', async () => {
    const proxy = await startTcpProxy(1883);
    try {
      const file = writeEventScenario({
        broker: `mqtt://127.0.0.1:${proxy.port}`,
        queue: [`topic: ${topic('cut')}`, 'consumers: 1'],
        load: '{ rate: 100, duration: 5s }',
      });
      let cut = 0;
      const cutting = (async () => {
        await sleep(2500);
        cut = proxy.dropAll();
      })();
      const { run, events: e } = await runEvents(file);
      await cutting;
      expect(cut).toBeGreaterThanOrEqual(2);
      expect([0, 1]).toContain(run.code);
      expect(run.stderr).not.toMatch(/unexpected error|Unhandled/);
      expect(e?.connectionDrops).toBeGreaterThanOrEqual(1);
      expect((e?.acked ?? 0) + (e?.failed ?? 0)).toBe(500);
      expect(e?.consumed).toBeGreaterThan(350);
      // Messages published while the subscriber was away are not kept by MQTT (clean session): they show up.
      expect((e?.consumed ?? 0) + (e?.lost ?? 0) + (e?.undelivered ?? 0)).toBe(e?.acked);
    } finally {
      await proxy.close();
    }
  });

  it('an unreachable broker is exit 3, naming the URL without its password', async () => {
    await expectUnreachableBroker('mqtt://bench:s3cret-pw@127.0.0.1:1', 'topic: never/used');
  });
});
