/**
 * The `capacity` section of a capacity search's result: the answer, the bracket it lies in, what limited it,
 * and every step held. The JSON result is the run at the capacity (its last passing step) with this section
 * added, so `report` and `compare` read it as they read any run (docs/capacity.md).
 */
import { fmtMs, fmtMsUnit } from '../reporters/format.js';
import type { SearchOutcome, SearchSettings, StopReason } from './search.js';
import type { CapacityStep } from './step.js';

export type CapacityUnit = 'requests/s' | 'iterations/s' | 'messages/s';

export interface CapacitySection {
  /** The highest rate that held every SLO; null when no step passed. A lower bound when `atLeast`. */
  rate: number | null;
  unit: CapacityUnit;
  /** [last passing rate, first failing rate]; the upper end is null when no step failed. */
  bracket: [number | null, number | null];
  /** The first criterion (in scenario order) that failed at the first failing rate; null when none failed. */
  limitedBy: string | null;
  /** The load generator saturated before any SLO failed: the capacity is at least `rate`, maybe more. */
  generatorBound: boolean;
  /** True when `rate` is only a lower bound (generator-bound, or every rate up to --max passed). */
  atLeast: boolean;
  /** Flows: the service whose p95 grew most from the lowest passing step to the first failing one. */
  bottleneck?: { service: string; p95Ms: number; baselineP95Ms: number };
  stoppedBy: StopReason;
  settings: SearchSettings & { stepDurationMs: number; warmupMs: number };
  steps: CapacityStep[];
}

/** The service whose p95 rose most between two steps of a flow search. */
function bottleneckOf(low: CapacityStep | undefined, high: CapacityStep | undefined): CapacitySection['bottleneck'] {
  if (low?.services === undefined || high?.services === undefined) return undefined;
  let best: CapacitySection['bottleneck'];
  for (const [service, { p95 }] of Object.entries(high.services)) {
    const base = low.services[service]?.p95 ?? 0;
    if (best === undefined || p95 - base > best.p95Ms - best.baselineP95Ms) {
      best = { service, p95Ms: p95, baselineP95Ms: base };
    }
  }
  return best;
}

export function capacitySection(
  outcome: SearchOutcome<CapacityStep>,
  unit: CapacityUnit,
  settings: CapacitySection['settings'],
): CapacitySection {
  const { lastPass, firstFail, generatorBound, stoppedBy, steps } = outcome;
  const firstPass = steps.find((s) => s.pass);
  const bottleneck = bottleneckOf(firstPass, firstFail);
  return {
    rate: lastPass?.rate ?? null,
    unit,
    bracket: [lastPass?.rate ?? null, firstFail?.rate ?? null],
    limitedBy: firstFail?.failed[0] ?? null,
    generatorBound,
    atLeast: lastPass !== undefined && firstFail === undefined,
    ...(bottleneck !== undefined && { bottleneck }),
    stoppedBy,
    settings,
    steps,
  };
}

/** Why a search with a bracket stopped before narrowing it to --precision. */
const EARLY_STOP: Partial<Record<StopReason, string>> = {
  'max-duration': 'the search stopped at --max-duration',
  interrupted: 'the search was interrupted',
  generator: 'the load generator saturated inside it',
  insufficient: 'a step inside it had too few samples to decide',
};

/** One line: "capacity 380 requests/s (between 380 and 400), limited by p95 < 100ms". */
export function describeCapacity(c: CapacitySection): string {
  if (c.rate === null && c.generatorBound) {
    return `no capacity found: the load generator saturated at the first rate held (${c.steps[0]?.rate ?? 'n/a'} ${c.unit}); start lower, or add workers or shards`;
  }
  if (c.rate === null) {
    const limit = c.limitedBy === null ? '' : ` (${c.limitedBy})`;
    return `no capacity found: every rate held failed, down to ${c.bracket[1] ?? 'n/a'} ${c.unit}${limit}`;
  }
  if (c.generatorBound) {
    return `capacity at least ${c.rate} ${c.unit}: the load generator saturated before any SLO failed (run more workers or shards)`;
  }
  if (c.bracket[1] === null) {
    const why = c.stoppedBy === 'max' ? 'every rate up to --max held' : `the search stopped (${c.stoppedBy})`;
    return `capacity at least ${c.rate} ${c.unit}: ${why}`;
  }
  const by = c.limitedBy === null ? '' : `, limited by ${c.limitedBy}`;
  const where =
    c.bottleneck === undefined
      ? ''
      : ` (service ${c.bottleneck.service}: p95 ${fmtMs(c.bottleneck.baselineP95Ms)} → ${fmtMsUnit(c.bottleneck.p95Ms)})`;
  const early = EARLY_STOP[c.stoppedBy];
  const wide = early === undefined ? '' : `; the bracket is wider than --precision: ${early}`;
  return `capacity ${c.rate} ${c.unit} (between ${c.bracket[0]} and ${c.bracket[1]})${by}${where}${wide}`;
}
