/**
 * Judges one held step of a capacity search: its SLOs over the seconds after the warm-up, the events'
 * lag growth, and whether the generator (not the target) was the limit. Pure: from a probe and a result.
 */
import { type LatencySummary, summarizeHistogram } from '../metrics/histogram.js';
import type { RunResult } from '../result/run-result.js';
import { evaluateSlos, type SloVerdict } from '../slo/evaluate.js';
import { SLO_METRICS, type SloMetricDef, type SloSpec } from '../slo/parse.js';
import type { StepVerdict } from './search.js';
import type { StepProbe } from './step-probe.js';

/** The intrinsic criterion of event runs, named like an SLO in `limitedBy`. */
export const LAG_GROWTH = 'lag growth';
/** Open-model starts skipped at the in-flight cap: the target did not keep up with the rate. */
export const DROPPED = 'dropped starts';
/** Every request of the held part failed: a dead target must not pass on latency SLOs read from no answers. */
export const ALL_FAILED = 'every request failed';

export interface LagGrowth {
  /** Lag (the broker's figure, or the client backlog when it cannot be read) when the warm-up ended. */
  start: number;
  /** Lag when publishing stopped. */
  end: number;
  tolerance: number;
  growing: boolean;
}

export interface CapacityStep {
  /** Target arrival rate held (requests, iterations or messages per second). */
  rate: number;
  /** Completed per second over the held part (acked publishes for events, iterations for flows). */
  achievedRate: number;
  pass: boolean;
  verdict: StepVerdict;
  /** Over the held part (publish latency for events). */
  latencyMs: LatencySummary;
  errorRate: number;
  requests: number;
  dropped: number;
  lag?: LagGrowth;
  slos: SloVerdict[];
  /** The SLOs (and intrinsic criteria) this step failed, in scenario order. */
  failed: string[];
  /** Flows: p95 per service over the step. */
  services?: Record<string, { p95: number }>;
  generator: { saturated: boolean; reasons: string[] };
}

export interface StepJudgeInput {
  rate: number;
  slos: readonly SloSpec[];
  probe: StepProbe;
  result: RunResult;
  warmupMs: number;
  /** The held part as planned (an event run's result goes on through its drain, when nothing is published). */
  stepDurationMs: number;
  /** Events: allowed lag growth over the held part, as a fraction of the messages published in it. */
  lagTolerance: number;
}

/**
 * Unscoped request SLOs are judged over the held seconds only; scoped and event SLOs read the step's own
 * verdicts (over the whole step, warm-up included), the finest the result keeps for them.
 */
function judgeSlos(input: StepJudgeInput): SloVerdict[] {
  const { probe, result } = input;
  const heldS = Math.max(probe.heldMs / 1000, 0.001);
  const global = {
    requests: probe.requests,
    rps: probe.requests / heldS,
    errors: probe.errors,
    errorRate: probe.requests > 0 ? probe.errors / probe.requests : 0,
    dropped: probe.dropped,
    latencyMs: summarizeHistogram(probe.latency),
  };
  return input.slos.map((spec, i) => {
    const def: SloMetricDef = SLO_METRICS[spec.metric];
    const own = spec.scope === undefined && def.why === undefined;
    const fromRun = result.slos[i];
    if (!own && fromRun !== undefined) return fromRun;
    const [verdict] = evaluateSlos([spec], { global, scopes: {}, seconds: probe.seconds });
    return verdict as SloVerdict;
  });
}

/** Events: the lag when the warm-up ended against the lag when publishing stopped. */
function lagGrowth(input: StepJudgeInput): LagGrowth | undefined {
  const events = input.result.events;
  if (events === undefined) return undefined;
  const series = events.lag.series;
  const read = (p: { lag: number | null; backlog: number } | undefined): number => p?.lag ?? p?.backlog ?? 0;
  const warmupS = Math.round(input.warmupMs / 1000);
  const publishS = Math.round((input.warmupMs + input.stepDurationMs) / 1000);
  const start = read(series.find((p) => p.t === warmupS) ?? series[0]);
  const end = read(series.filter((p) => p.t <= publishS).at(-1));
  const tolerance = Math.max(10, Math.round(input.lagTolerance * input.probe.requests));
  return { start, end, tolerance, growing: end > start + tolerance };
}

function achievedRate(input: StepJudgeInput): number {
  const { probe, result } = input;
  const heldS = probe.heldMs / 1000;
  if (result.byFlow !== undefined) {
    // Iterations: the result keeps them per flow over the whole step.
    const iterations = Object.values(result.byFlow).reduce((n, f) => n + f.requests, 0);
    return result.durationMs > 0 ? iterations / (result.durationMs / 1000) : 0;
  }
  if (result.events !== undefined) return result.events.rates.acked;
  return heldS > 0 ? probe.requests / heldS : 0;
}

/** A step whose rate was not this fully delivered by a saturated generator was not really offered. */
const DELIVERED = 0.9;

/**
 * A failed latency SLO that would hold without the generator's own lateness (its send delay or event-loop
 * delay p99) may be the generator's failure; any other failure is the target's.
 */
function targetsFault(v: SloVerdict, latenessMs: number): boolean {
  if (v.unit !== 'ms' || v.value === null || (v.op !== '<' && v.op !== '<=')) return true;
  return v.value - latenessMs >= v.threshold;
}

interface Findings {
  failedSlos: SloVerdict[];
  /** Failed SLOs, then the intrinsic criteria (lag growth, dropped starts). */
  failed: string[];
  achieved: number;
  /** Some SLO had too few samples to be judged. */
  missing: boolean;
}

function verdictOf(input: StepJudgeInput, { failedSlos, failed, achieved, missing }: Findings): StepVerdict {
  const { result } = input;
  if (result.interrupted) return 'interrupted';
  const g = result.generator;
  const lateness = Math.max(g.sendDelayP99Ms, g.eventLoopDelayP99Ms);
  // Lag growth is the consumers', failed requests the target's; dropped starts (the in-flight cap) may be a
  // generator too busy to read answers.
  const targets = failed.includes(LAG_GROWTH) || failed.includes(ALL_FAILED);
  const dropped = failed.includes(DROPPED) && !g.saturated;
  if (targets || dropped || failedSlos.some((v) => targetsFault(v, lateness))) return 'fail';
  if (g.saturated && (failed.length > 0 || achieved < DELIVERED * input.rate)) return 'generator';
  if (failed.length > 0) return 'fail';
  return missing ? 'insufficient' : 'pass';
}

/**
 * Latency is measured from the intended start, so a late generator can only make the target look slower: a
 * step that passes with a saturated generator still passes (if its rate was delivered), and a failure too large
 * to be the generator's lateness is the target's. Otherwise a saturated generator makes the step `generator`,
 * and the search stops there.
 */
export function judgeStep(input: StepJudgeInput): CapacityStep {
  const { probe, result } = input;
  const slos = judgeSlos(input);
  const lag = lagGrowth(input);
  const failedSlos = slos.filter((v) => !v.pass && v.value !== null);
  const failed = failedSlos.map((v) => v.expr);
  if (lag?.growing) failed.push(LAG_GROWTH);
  if (probe.dropped > 0) failed.push(DROPPED);
  if (probe.requests > 0 && probe.errors === probe.requests) failed.push(ALL_FAILED);
  const achieved = achievedRate(input);
  const saturated = result.generator.saturated;
  const missing = slos.some((v) => v.value === null);
  const verdict = verdictOf(input, { failedSlos, failed, achieved, missing });
  const services =
    result.byService === undefined
      ? undefined
      : Object.fromEntries(Object.entries(result.byService).map(([name, m]) => [name, { p95: m.latencyMs.p95 }]));
  return {
    rate: input.rate,
    achievedRate: Math.round(achieved * 10) / 10,
    pass: verdict === 'pass',
    verdict,
    latencyMs: summarizeHistogram(probe.latency),
    errorRate: probe.requests > 0 ? probe.errors / probe.requests : 0,
    requests: probe.requests,
    dropped: probe.dropped,
    ...(lag !== undefined && { lag }),
    slos,
    failed,
    ...(services !== undefined && { services }),
    generator: { saturated, reasons: result.generator.reasons },
  };
}
