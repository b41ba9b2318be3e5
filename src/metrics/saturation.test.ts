import { describe, expect, it } from 'vitest';
import { judgeHealth, judgeSample, worstFigures } from './saturation.js';
import { ThreadLoad } from './thread-load.js';

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

  it('a busy loop saturates the closed model but not, by itself, the on-time open model', () => {
    expect(judgeHealth('closed', { ...calm, cpuPercent: 99 }).reasons).toEqual(['generator event loop 99% busy > 90%']);
    expect(judgeHealth('open', { ...calm, cpuPercent: 99 }).saturated).toBe(false);
    expect(judgeSample('open', { eventLoopDelayP99Ms: 1, cpuPercent: 99 }).saturated).toBe(false);
    expect(judgeSample('closed', { eventLoopDelayP99Ms: 1, cpuPercent: 99 }).saturated).toBe(true);
  });

  it('the worst thread speaks for the generator', () => {
    expect(worstFigures([calm, { ...calm, cpuPercent: 97, eventLoopDelayMaxMs: 9 }])).toEqual({
      eventLoopDelayP99Ms: 1,
      eventLoopDelayMaxMs: 9,
      cpuPercent: 97,
    });
  });

  it('an idle loop has no delay', async () => {
    const load = new ThreadLoad('open').start();
    await new Promise((r) => setTimeout(r, 300));
    expect(load.sample().eventLoopDelayP99Ms).toBeLessThan(3);
    load.finish();
  });

  it('sees a loop that is really blocked, and its busy share', async () => {
    const load = new ThreadLoad('closed').start();
    await new Promise((r) => setTimeout(r, 1100)); // past the warm-up
    expect(load.sample().cpuPercent).toBeLessThan(20); // idle so far; this also starts a new interval
    for (let i = 0; i < 5; i++) {
      const until = Date.now() + 60;
      while (Date.now() < until); // block the loop for 60 ms
      await new Promise((r) => setTimeout(r, 20));
    }
    const live = load.sample();
    const whole = load.finish();
    expect(whole.eventLoopDelayMaxMs).toBeGreaterThan(40);
    expect(whole.eventLoopDelayMaxMs).toBeLessThan(75); // the 10 ms sampling interval is not counted as delay
    expect(live.cpuPercent).toBeGreaterThan(50); // 300 ms busy of ~400 ms
    expect(whole.cpuPercent).toBeGreaterThan(10);
  });
});
