/**
 * The capacity search: which open-model rates to hold, in which order, and when to stop. Pure: it knows
 * nothing of runs, only of a `runStep(rate)` that holds a rate and says how it went, so it is tested with a
 * fake system whose limit is known.
 *
 * An exponential climb from `start` (×`factor` per step) finds a failing rate quickly whatever the order of
 * magnitude; then bisection between the last passing and the first failing rate narrows the bracket until it
 * is within `precision` of its upper end. When the first step already fails, the search steps down by the
 * same factor until one passes, then bisects. See docs/capacity.md for why this and not a continuous ramp.
 */

/**
 * How one held step went. `generator`: the load generator saturated, so the step says nothing about the target;
 * `insufficient`: too few samples for some SLO; `interrupted`: cut short by Ctrl-C.
 */
export type StepVerdict = 'pass' | 'fail' | 'generator' | 'insufficient' | 'interrupted';

export interface SearchSettings {
  start: number;
  max: number;
  /** Stop when (firstFail − lastPass) / firstFail is at most this (0.05 = 5 %). */
  precision: number;
  /** Climb multiplier (2: 10, 20, 40, …). */
  factor: number;
  /** No step starts after this much time since the search began. */
  maxDurationMs: number;
  /** The lowest rate worth holding (below it a descent gives up). */
  minRate: number;
}

export type StopReason =
  'precision' | 'max' | 'max-duration' | 'interrupted' | 'generator' | 'insufficient' | 'below-minimum';

export interface SearchOutcome<S> {
  steps: S[];
  lastPass: S | undefined;
  firstFail: S | undefined;
  /** The generator saturated before the target failed an SLO: the capacity is a lower bound. */
  generatorBound: boolean;
  stoppedBy: StopReason;
}

export interface SearchEnv {
  now(): number;
  /** True once the user asked to stop (Ctrl-C): no further step starts. */
  stopped(): boolean;
}

/** Rates as people write them: whole numbers from 20/s up, one decimal below. */
export function roundRate(rate: number): number {
  return rate >= 20 ? Math.round(rate) : Math.round(rate * 10) / 10;
}

interface Judged {
  rate: number;
  verdict: StepVerdict;
}

class Search<S extends Judged> {
  readonly steps: S[] = [];
  lastPass: S | undefined;
  firstFail: S | undefined;
  generatorBound = false;
  private readonly t0: number;

  constructor(
    private readonly settings: SearchSettings,
    private readonly runStep: (rate: number) => Promise<S>,
    private readonly env: SearchEnv,
  ) {
    this.t0 = env.now();
  }

  /** Holds one rate; returns why the search must stop now, if it must. */
  async take(rate: number): Promise<StopReason | undefined> {
    if (this.env.stopped()) return 'interrupted';
    if (this.env.now() - this.t0 >= this.settings.maxDurationMs) return 'max-duration';
    let step = await this.runStep(rate);
    this.steps.push(step);
    // A saturated generator may be a passing hiccup (another process took the CPU): hold the rate once more.
    if (step.verdict === 'generator' && !this.env.stopped()) {
      step = await this.runStep(rate);
      this.steps.push(step);
    }
    switch (step.verdict) {
      case 'interrupted':
        return 'interrupted';
      case 'generator':
        // Only a lower bound when no healthy step has failed yet; otherwise the bracket stands, unrefined.
        this.generatorBound = this.firstFail === undefined;
        return 'generator';
      case 'pass':
        this.lastPass = step;
        return undefined;
      case 'fail':
        this.firstFail = step;
        return undefined;
      case 'insufficient':
        return undefined;
    }
  }

  async climb(): Promise<StopReason | undefined> {
    const { start, max, factor } = this.settings;
    for (let rate = roundRate(Math.min(start, max)); ; rate = roundRate(Math.min(rate * factor, max))) {
      const stop = await this.take(rate);
      if (stop !== undefined) return stop;
      if (this.firstFail !== undefined) return undefined;
      if (rate >= max) return 'max';
    }
  }

  async bisect(): Promise<StopReason> {
    const { precision, factor, minRate } = this.settings;
    for (;;) {
      const hi = (this.firstFail as S).rate;
      const lo = this.lastPass?.rate;
      if (lo !== undefined && (hi - lo) / hi <= precision) return 'precision';
      const next = roundRate(lo === undefined ? hi / factor : (lo + hi) / 2);
      if (lo === undefined && next < minRate) return 'below-minimum';
      if (next <= (lo ?? 0) || next >= hi) return 'precision';
      const stop = await this.take(next);
      if (stop !== undefined) return stop;
      // Bisection needs a decision at every step: too few samples cannot be one.
      if (this.steps[this.steps.length - 1]?.verdict === 'insufficient') return 'insufficient';
    }
  }
}

export async function searchCapacity<S extends Judged>(
  settings: SearchSettings,
  runStep: (rate: number) => Promise<S>,
  env: SearchEnv,
): Promise<SearchOutcome<S>> {
  const search = new Search(settings, runStep, env);
  const stoppedBy = (await search.climb()) ?? (await search.bisect());
  const { steps, lastPass, firstFail, generatorBound } = search;
  return { steps, lastPass, firstFail, generatorBound, stoppedBy };
}
