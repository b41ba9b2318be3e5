import { describe, expect, it } from 'vitest';
import { createHistogram, type Histogram, recordMs } from './histogram.js';
import { judgeHealth, judgeLateness, judgeSample, withLocalFailures, worstFigures } from './saturation.js';
import { ThreadLoad } from './thread-load.js';

const calm = { eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 3, cpuPercent: 40, sendDelayP99Ms: 0.2 };

/** A run's send delays: `starts` starts over `seconds`, of which `late` left `lateMs` late and the rest 0.1 ms. */
function delays(starts: number, late: number, lateMs: number): Histogram {
  const h = createHistogram();
  for (let i = 0; i < starts; i++) recordMs(h, i < late ? lateMs : 0.1);
  return h;
}

describe('lateness against the schedule (open model)', () => {
  const healthy = judgeHealth('open', calm);

  it('at 5/s a 13 ms send delay p99 is not saturation: starts are 200 ms apart', () => {
    // 10 s at 5/s: 50 starts, 3 of them (6 %, above p99) 13 ms late.
    const h = judgeLateness(healthy, delays(50, 3, 13), 10_000);
    expect(h.saturated).toBe(false);
    expect(h.lateAfterMs).toBe(200);
    expect(h.lateStartShare).toBe(0);
  });

  it('at 1000/s the same delay on more than 1 % of starts is: 13 starts were bunched', () => {
    const h = judgeLateness(healthy, delays(10_000, 300, 13), 10_000);
    expect(h.saturated).toBe(true);
    expect(h.lateAfterMs).toBe(10);
    expect(h.lateStartShare).toBe(0.03);
    expect(h.reasons).toEqual(['3% of starts left more than 10 ms late (> 1%; one start every 1 ms)']);
  });

  it('a few late starts (1 % or fewer) are one slow moment, not a saturated generator', () => {
    expect(judgeLateness(healthy, delays(10_000, 100, 50), 10_000).saturated).toBe(false);
    expect(judgeLateness(healthy, delays(10_000, 101, 50), 10_000).saturated).toBe(true);
  });

  it('starts later than one inter-arrival time count, whatever the rate', () => {
    // 20/s: 50 ms apart. 5 % of starts 60 ms late: saturated; 40 ms late: on time.
    expect(judgeLateness(healthy, delays(200, 10, 60), 10_000).saturated).toBe(true);
    expect(judgeLateness(healthy, delays(200, 10, 40), 10_000).saturated).toBe(false);
  });

  it('keeps the reasons it was given and adds nothing without starts (closed model)', () => {
    const blocked = judgeHealth('open', { ...calm, eventLoopDelayP99Ms: 50 });
    expect(judgeLateness(blocked, createHistogram(), 10_000)).toEqual(blocked);
  });
});

describe('generator saturation', () => {
  it('a calm generator is not saturated', () => {
    expect(judgeHealth('open', calm)).toMatchObject({ saturated: false, reasons: [] });
  });

  it('a blocked loop marks the open model saturated, with its reason; send delay alone is judged by lateness', () => {
    const h = judgeHealth('open', { ...calm, sendDelayP99Ms: 35, eventLoopDelayP99Ms: 50 });
    expect(h.saturated).toBe(true);
    expect(h.reasons).toEqual(['event-loop delay p99 50 ms > 20 ms']);
    expect(judgeHealth('open', { ...calm, sendDelayP99Ms: 35 }).saturated).toBe(false);
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
    // Well under the monitor's 10 ms sampling interval (once read as delay), with room for a shared machine.
    expect(load.sample().eventLoopDelayP99Ms).toBeLessThan(8);
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

  it('requests failed for want of local resources make a calm generator generator-limited, saying why', () => {
    const calmHealth = judgeHealth('closed', calm);
    expect(withLocalFailures(calmHealth, 0)).toBe(calmHealth);
    const h = withLocalFailures(calmHealth, 12);
    expect(h.saturated).toBe(true);
    expect(h.reasons).toEqual([expect.stringMatching(/^12 requests failed for want of local resources .*ulimit -n/)]);
  });
});
