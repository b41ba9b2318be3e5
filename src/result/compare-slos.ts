/**
 * The SLO part of a baseline comparison: each SLO of either run with both runs' own verdicts side by side, so a
 * windowed SLO (`p95 < 200ms over 30s`) or a burn rate that held in the baseline and fails now shows with its
 * worst window. Shown, not gated: each run's verdicts are judged (and exit 1) by `run` or `merge`; compare gates
 * on the measured changes and their budgets. Pure.
 */
import type { SloVerdict } from '../slo/evaluate.js';
import type { RunResult } from './run-result.js';

export interface SloChange {
  expr: string;
  /** Absent when the SLO was not set in that run. */
  baseline?: SloVerdict;
  current?: SloVerdict;
}

/** The current run's SLOs in its order, then those only the baseline had. */
export function sloChanges(baseline: RunResult, current: RunResult): SloChange[] {
  const before = new Map(baseline.slos.map((v) => [v.expr, v]));
  const changes: SloChange[] = current.slos.map((v) => ({
    expr: v.expr,
    ...(before.has(v.expr) && { baseline: before.get(v.expr) }),
    current: v,
  }));
  const seen = new Set(current.slos.map((v) => v.expr));
  for (const v of baseline.slos) if (!seen.has(v.expr)) changes.push({ expr: v.expr, baseline: v });
  return changes;
}
