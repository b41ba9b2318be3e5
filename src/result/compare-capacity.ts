/**
 * The capacity part of a baseline comparison: two `capacity` results compare their capacity, a rate whose fall
 * beyond the budget (default 10 %, `--max-regression capacity=N%`) is a regression. Pure.
 */
import type { RunResult } from './run-result.js';

/** Capacity may fall this much (relative) before it counts as a regression. */
export const CAPACITY_BUDGET = 0.1;

interface CapacityView {
  rate: number | null;
  unit: string;
  atLeast: boolean;
  bracket: [number | null, number | null];
}

function capacityOf(result: RunResult): CapacityView | undefined {
  const c = (result as RunResult & { capacity?: Partial<CapacityView> }).capacity;
  if (c === undefined || typeof c.unit !== 'string') return undefined;
  const bracket: CapacityView['bracket'] = Array.isArray(c.bracket) ? c.bracket : [null, null];
  return { rate: typeof c.rate === 'number' ? c.rate : null, unit: c.unit, atLeast: c.atLeast === true, bracket };
}

export interface CapacityRowInput {
  scope: string;
  metric: 'capacity';
  baseline: number;
  current: number;
  /** The relative change's bounds from the two brackets: each true capacity lies in [last pass, first fail]. */
  interval: [number, number] | null;
  ungated: string | undefined;
  floorMs: number;
}

/**
 * The relative change allowed by both brackets, or null when it cannot be bounded. A baseline that is only a lower
 * bound ("at least X") against a measured current capacity still bounds the change from above: the current search's
 * first failing rate below X is a certain fall.
 */
function bracketInterval(a: CapacityView, b: CapacityView): [number, number] | null {
  const [aLo, aHi] = a.bracket;
  const [bLo, bHi] = b.bracket;
  if (a.rate === null || a.rate === 0 || aLo === null || bLo === null || bHi === null) return null;
  if (aHi === null) return a.atLeast && !b.atLeast ? [-1, (bHi - aLo) / a.rate] : null;
  return [(bLo - aHi) / a.rate, (bHi - aLo) / a.rate];
}

/**
 * The row to judge, when both results are capacity searches in the same unit. A fall counts only when the brackets
 * leave no doubt (the current search's first failing rate is below the baseline's last passing one) and it is
 * beyond the budget.
 */
export function capacityRow(baseline: RunResult, current: RunResult): CapacityRowInput | undefined {
  const a = capacityOf(baseline);
  const b = capacityOf(current);
  if (a === undefined || b === undefined || a.unit !== b.unit) return undefined;
  // A lower bound (generator-bound, or --max reached) is not a measurement of where the target breaks: a current one
  // says nothing of a fall; a baseline one is gated only against a measured current capacity, by its bracket.
  const gatedBound = a.atLeast && !b.atLeast && b.rate !== null;
  const bound = b.atLeast || (a.atLeast && !gatedBound) ? 'a lower bound on one side: not gated' : undefined;
  const none = a.rate === null || b.rate === null ? 'no capacity found on one side: not gated' : undefined;
  return {
    scope: 'capacity',
    metric: 'capacity',
    baseline: a.rate ?? 0,
    current: b.rate ?? 0,
    interval: bracketInterval(a, b),
    ungated: none ?? bound,
    floorMs: 0,
  };
}
