import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { GeneratorSample } from './live-saturation.js';
import { type GeneratorHealth, SATURATION_LIMITS } from './saturation.js';

const WARM_UP_MS = 1000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A thread's figures over a whole run, before they are judged (the send delay comes from the merged histogram). */
export type ThreadFigures = Pick<GeneratorHealth, 'eventLoopDelayP99Ms' | 'eventLoopDelayMaxMs' | 'cpuPercent'>;

/**
 * How busy one worker thread is. process.cpuUsage() counts every thread of the process, so a worker measures its
 * own busy share with event-loop utilisation (the fraction of time its loop was not waiting for I/O), which is
 * what runs out when a generator thread saturates; event-loop delay is its own, as in the main thread.
 */
export class ThreadLoad {
  private readonly live: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly whole: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly startedAt: EventLoopUtilization = performance.eventLoopUtilization();
  private last: EventLoopUtilization = this.startedAt;

  start(): this {
    this.live.enable();
    this.whole.enable();
    // Start-up (module loading, first JIT) blocks the loop once; it says nothing about the run itself.
    setTimeout(() => this.whole.reset(), WARM_UP_MS).unref();
    return this;
  }

  /** The last interval: busy share and loop delay, judged as LiveSaturation judges the main thread. */
  sample(): GeneratorSample {
    const now = performance.eventLoopUtilization();
    const cpuPercent = round2(performance.eventLoopUtilization(now, this.last).utilization * 100);
    this.last = now;
    const eventLoopDelayP99Ms = this.live.count > 0 ? round2(this.live.percentile(99) / 1e6) : 0;
    this.live.reset();
    const L = SATURATION_LIMITS;
    return { eventLoopDelayP99Ms, cpuPercent, saturated: eventLoopDelayP99Ms > L.eventLoopDelayP99Ms || cpuPercent > L.cpuPercent };
  }

  finish(): ThreadFigures {
    this.live.disable();
    this.whole.disable();
    const utilization = performance.eventLoopUtilization(performance.eventLoopUtilization(), this.startedAt).utilization;
    return {
      eventLoopDelayP99Ms: this.whole.count > 0 ? round2(this.whole.percentile(99) / 1e6) : 0,
      eventLoopDelayMaxMs: this.whole.count > 0 ? round2(this.whole.max / 1e6) : 0,
      cpuPercent: round2(utilization * 100),
    };
  }
}

/** The worst of several threads, figure by figure: one saturated worker makes the generator saturated. */
export function worstSample(samples: readonly GeneratorSample[]): GeneratorSample {
  return {
    eventLoopDelayP99Ms: Math.max(0, ...samples.map((s) => s.eventLoopDelayP99Ms)),
    cpuPercent: Math.max(0, ...samples.map((s) => s.cpuPercent)),
    saturated: samples.some((s) => s.saturated),
  };
}

export function worstFigures(figures: readonly ThreadFigures[]): ThreadFigures {
  return {
    eventLoopDelayP99Ms: Math.max(0, ...figures.map((f) => f.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(0, ...figures.map((f) => f.eventLoopDelayMaxMs)),
    cpuPercent: Math.max(0, ...figures.map((f) => f.cpuPercent)),
  };
}
