import { type Histogram, recordedValues } from './histogram.js';

/** The generator's view of its own health; a figure measured by a saturated generator measures the generator. */
export interface GeneratorHealth {
  saturated: boolean;
  reasons: string[];
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /**
   * How busy the busiest generator thread's event loop was, in % (event-loop utilisation). Process CPU time would
   * add up every thread (consumer workers, GC helpers), while what runs out is one thread's loop.
   */
  cpuPercent: number;
  /** Send delay p99 (open model): how late starts left compared to their schedule. */
  sendDelayP99Ms: number;
  /** Open model: the share of starts later than `lateAfterMs` (a fraction), and that bound. */
  lateStartShare?: number;
  lateAfterMs?: number;
}

/** One thread's figures over a whole run, before they are judged (send delay comes from the merged histogram). */
export type ThreadFigures = Pick<GeneratorHealth, 'eventLoopDelayP99Ms' | 'eventLoopDelayMaxMs' | 'cpuPercent'>;

/** The last interval's health, for the live view and live exports. */
export interface GeneratorSample {
  eventLoopDelayP99Ms: number;
  cpuPercent: number;
  saturated: boolean;
}

/** Above these the generator, not the target, is likely the bottleneck. */
export const SATURATION_LIMITS = {
  eventLoopDelayP99Ms: 20,
  cpuPercent: 90,
  /** A start is late when it left more than one inter-arrival time after its schedule, and at least this much. */
  lateFloorMs: 10,
  /** More than this share of late starts (a fraction) and the generator did not keep its schedule. */
  lateStartShare: 0.01,
} as const;

/**
 * The open model keeps its schedule by polling the clock between close starts, so it may show a busy loop
 * while perfectly on time: there, lateness (send delay, loop delay) is the evidence. In the closed model a
 * busy loop means the connections wait on us, not on the target.
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
  if (model === 'closed' && figures.cpuPercent > L.cpuPercent) {
    reasons.push(`generator event loop ${figures.cpuPercent}% busy > ${L.cpuPercent}%`);
  }
  return { saturated: reasons.length > 0, reasons, ...figures };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Open model: did the generator keep its schedule? Lateness only matters against the gap between starts: at
 * 5/s (200 ms apart) a start 13 ms late leaves the load unchanged, at 1000/s it is 13 starts bunched together.
 * A start is late past max(one inter-arrival time, lateFloorMs); the generator is saturated when more than
 * lateStartShare of its starts were late, so one slow moment does not condemn a run. The send-delay histogram
 * holds every start, so its count over the run's length is the achieved start rate.
 */
export function judgeLateness(health: GeneratorHealth, sendDelay: Histogram, elapsedMs: number): GeneratorHealth {
  const starts = sendDelay.totalCount;
  if (starts === 0 || elapsedMs <= 0) return health;
  const interArrivalMs = elapsedMs / starts;
  const lateAfterMs = Math.max(interArrivalMs, SATURATION_LIMITS.lateFloorMs);
  const late = recordedValues(sendDelay).reduce((n, [us, count]) => (us / 1000 > lateAfterMs ? n + count : n), 0);
  const lateStartShare = late / starts;
  const out = { ...health, lateStartShare: round2(lateStartShare * 1e4) / 1e4, lateAfterMs: round2(lateAfterMs) };
  if (lateStartShare <= SATURATION_LIMITS.lateStartShare) return out;
  const reason =
    `${round2(lateStartShare * 100)}% of starts left more than ${round2(lateAfterMs)} ms late ` +
    `(> ${SATURATION_LIMITS.lateStartShare * 100}%; one start every ${round2(interArrivalMs)} ms)`;
  return { ...out, saturated: true, reasons: [...health.reasons, reason] };
}

/** The same rule applied to one interval (no send delay: the live view shows that separately). */
export function judgeSample(model: 'open' | 'closed', sample: Omit<GeneratorSample, 'saturated'>): GeneratorSample {
  const { saturated } = judgeHealth(model, { ...sample, eventLoopDelayMaxMs: 0, sendDelayP99Ms: 0 });
  return { ...sample, saturated };
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

/**
 * Requests that failed for want of the generator's own resources (descriptors, buffers, local ports) make the
 * run generator-limited, whatever its other figures say: the target was not what ran out.
 */
export function withLocalFailures(health: GeneratorHealth, failures: number): GeneratorHealth {
  if (failures === 0) return health;
  const reason = `${failures} requests failed for want of local resources (open files, buffers, ports): raise \`ulimit -n\` or lower the load`;
  return { ...health, saturated: true, reasons: [...health.reasons, reason] };
}
