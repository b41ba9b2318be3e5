import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { SATURATION_LIMITS } from './saturation.js';

/** The generator's health over the last interval, for live exports (the end-of-run verdict is SaturationMonitor's). */
export interface GeneratorSample {
  eventLoopDelayP99Ms: number;
  /** % of one core since the previous sample. */
  cpuPercent: number;
  saturated: boolean;
}

/**
 * Samples event-loop delay and CPU once per interval. Its own histogram, reset on every sample, so the live
 * figure reflects the last second rather than the whole run.
 */
export class LiveSaturation {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private cpu = process.cpuUsage();
  private wall = process.hrtime.bigint();

  start(): this {
    this.histogram.enable();
    return this;
  }

  sample(): GeneratorSample {
    const cpu = process.cpuUsage(this.cpu);
    const now = process.hrtime.bigint();
    const wallUs = Number(now - this.wall) / 1000;
    this.cpu = process.cpuUsage();
    this.wall = now;
    const cpuPercent = wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 10_000) / 100 : 0;
    const eventLoopDelayP99Ms = this.histogram.count > 0 ? Math.round(this.histogram.percentile(99) / 1e4) / 100 : 0;
    this.histogram.reset();
    const L = SATURATION_LIMITS;
    const saturated = eventLoopDelayP99Ms > L.eventLoopDelayP99Ms || cpuPercent > L.cpuPercent;
    return { eventLoopDelayP99Ms, cpuPercent, saturated };
  }

  stop(): void {
    this.histogram.disable();
  }
}
