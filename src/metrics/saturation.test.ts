import { describe, expect, it } from 'vitest';
import { judgeHealth, SaturationMonitor } from './saturation.js';

const calm = { eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 3, cpuPercent: 40, sendDelayP99Ms: 0.2 };

describe('generator saturation', () => {
  it('a calm generator is not saturated', () => {
    expect(judgeHealth('open', calm)).toMatchObject({ saturated: false, reasons: [] });
  });

  it('late starts or a blocked loop mark the open model saturated, each with its reason', () => {
    const h = judgeHealth('open', { ...calm, sendDelayP99Ms: 35, eventLoopDelayP99Ms: 50 });
    expect(h.saturated).toBe(true);
    expect(h.reasons).toEqual([
      'event-loop delay p99 50 ms > 20 ms',
      'send delay p99 35 ms > 10 ms (starts left late)',
    ]);
  });

  it('a full core saturates the closed model but not, by itself, the on-time open model', () => {
    expect(judgeHealth('closed', { ...calm, cpuPercent: 99 }).saturated).toBe(true);
    expect(judgeHealth('open', { ...calm, cpuPercent: 99 }).saturated).toBe(false);
  });

  it('sees a loop that is really blocked', async () => {
    const monitor = new SaturationMonitor().start();
    await new Promise((r) => setTimeout(r, 1100)); // past the warm-up
    for (let i = 0; i < 5; i++) {
      const until = Date.now() + 60;
      while (Date.now() < until); // block the loop for 60 ms
      await new Promise((r) => setTimeout(r, 20));
    }
    const h = monitor.finish('closed', 0);
    expect(h.eventLoopDelayMaxMs).toBeGreaterThan(40);
    expect(h.cpuPercent).toBeGreaterThan(10);
  });
});
