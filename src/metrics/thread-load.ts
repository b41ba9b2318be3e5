import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type GeneratorSample, judgeSample, type ThreadFigures } from './saturation.js';

const WARM_UP_MS = 1000;
/**
 * monitorEventLoopDelay records the whole interval between its samples (an idle loop reads ~10.1 ms at a 10 ms
 * resolution), so the delay is what exceeds the resolution.
 */
const RESOLUTION_MS = 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const delayMs = (nanoseconds: number): number => round2(Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS));

/**
 * How loaded one generator thread is (the main thread, or a worker): its event-loop delay and its event-loop
 * utilisation, per interval for the live view and over the whole run for the verdict. Used the same way in every
 * thread, so the main thread and workers are judged alike.
 */
export class ThreadLoad {
  private readonly live: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly whole: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly startedAt: EventLoopUtilization = performance.eventLoopUtilization();
  private last: EventLoopUtilization = this.startedAt;

  constructor(private readonly model: 'open' | 'closed') {}

  start(): this {
    this.live.enable();
    this.whole.enable();
    // Start-up (module loading, first JIT) blocks the loop once; it says nothing about the run itself.
    setTimeout(() => this.whole.reset(), WARM_UP_MS).unref();
    return this;
  }

  /** The last interval: busy share and loop delay. */
  sample(): GeneratorSample {
    const now = performance.eventLoopUtilization();
    const cpuPercent = round2(performance.eventLoopUtilization(now, this.last).utilization * 100);
    this.last = now;
    const eventLoopDelayP99Ms = this.live.count > 0 ? delayMs(this.live.percentile(99)) : 0;
    this.live.reset();
    return judgeSample(this.model, { eventLoopDelayP99Ms, cpuPercent });
  }

  finish(): ThreadFigures {
    this.live.disable();
    this.whole.disable();
    const utilization = performance.eventLoopUtilization(
      performance.eventLoopUtilization(),
      this.startedAt,
    ).utilization;
    return {
      eventLoopDelayP99Ms: this.whole.count > 0 ? delayMs(this.whole.percentile(99)) : 0,
      eventLoopDelayMaxMs: this.whole.count > 0 ? delayMs(this.whole.max) : 0,
      cpuPercent: round2(utilization * 100),
    };
  }
}
