import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The generator's view of its own health; a figure measured by a saturated generator measures the generator. */
export interface GeneratorHealth {
  saturated: boolean;
  reasons: string[];
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Mean CPU use of this process over the run, in % of one core. */
  cpuPercent: number;
  /** Send delay p99 (open model): how late starts left compared to their schedule. */
  sendDelayP99Ms: number;
}

/** Above these the generator, not the target, is likely the bottleneck. */
export const SATURATION_LIMITS = {
  eventLoopDelayP99Ms: 20,
  cpuPercent: 90,
  sendDelayP99Ms: 10,
} as const;

const WARM_UP_MS = 1000;

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Watches event-loop delay and CPU of this process for the length of a run. */
export class SaturationMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly cpuStart = process.cpuUsage();
  private readonly wallStart = process.hrtime.bigint();

  start(): this {
    this.histogram.enable();
    // Start-up (module loading, first JIT) blocks the loop once; it says nothing about the run itself.
    setTimeout(() => this.histogram.reset(), WARM_UP_MS).unref();
    return this;
  }

  /** Stops watching and judges the run; `sendDelayP99Ms` comes from the recorder (0 in the closed model). */
  finish(model: 'open' | 'closed', sendDelayP99Ms: number): GeneratorHealth {
    this.histogram.disable();
    const cpu = process.cpuUsage(this.cpuStart);
    const wallUs = Number(process.hrtime.bigint() - this.wallStart) / 1000;
    const cpuPercent = wallUs > 0 ? round2(((cpu.user + cpu.system) / wallUs) * 100) : 0;
    const eventLoopDelayP99Ms = round2(this.histogram.percentile(99) / 1e6);
    const eventLoopDelayMaxMs = round2(this.histogram.max / 1e6);
    return judgeHealth(model, { eventLoopDelayP99Ms, eventLoopDelayMaxMs, cpuPercent, sendDelayP99Ms });
  }
}

/**
 * The open model keeps its schedule by polling the clock between close starts, so it may show a busy core
 * while perfectly on time: there, lateness (send delay, loop delay) is the evidence. In the closed model a
 * full core means the connections wait on us, not on the target.
 */
export function judgeHealth(
  model: 'open' | 'closed',
  figures: Omit<GeneratorHealth, 'saturated' | 'reasons'>,
): GeneratorHealth {
  const reasons: string[] = [];
  const L = SATURATION_LIMITS;
  if (figures.eventLoopDelayP99Ms > L.eventLoopDelayP99Ms) {
    reasons.push(`event-loop delay p99 ${figures.eventLoopDelayP99Ms} ms > ${L.eventLoopDelayP99Ms} ms`);
  }
  if (model === 'closed' && figures.cpuPercent > L.cpuPercent) reasons.push(`generator CPU ${figures.cpuPercent}% > ${L.cpuPercent}% of a core`);
  if (figures.sendDelayP99Ms > L.sendDelayP99Ms) {
    reasons.push(`send delay p99 ${figures.sendDelayP99Ms} ms > ${L.sendDelayP99Ms} ms (starts left late)`);
  }
  return { saturated: reasons.length > 0, reasons, ...figures };
}
