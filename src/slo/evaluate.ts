/**
 * Judges parsed SLOs against run metrics. Pure: the same specs and metrics always give the same verdicts,
 * so the final gate, the live abort check and tests all share one code path.
 */
import {
  SLO_METRICS,
  type SloMetricDef,
  type SloMetricView,
  type SloOp,
  type SloScopeKind,
  type SloSpec,
  type Threshold,
  formatThreshold,
} from './parse.js';
import { judgeWindows, type SecondFigures, type WorstWindow } from './window-evaluate.js';

export interface MetricSource {
  global: SloMetricView;
  /** e.g. { request: { 'create-user': {...} } } */
  scopes: Partial<Record<SloScopeKind, Record<string, SloMetricView>>>;
  /** The run's seconds, for windowed SLOs at the end of a run; without them (live) a window reads the whole run. */
  seconds?: readonly SecondFigures[];
}

export interface SloVerdict {
  /** formatThreshold of the spec. */
  expr: string;
  scope?: { kind: SloScopeKind; name: string };
  metric: string;
  op: SloOp;
  threshold: number;
  /** Measured value; null when it cannot be measured (scope missing, or too few samples). */
  value: number | null;
  unit: Threshold['unit'];
  /** Requests in that scope. */
  samples: number;
  pass: boolean;
  /** Why it failed when value is null, e.g. "only 12 samples, 100 required"; for a windowed SLO, its worst window. */
  reason?: string;
  /** From the default budget, applied because the scenario set no SLOs. */
  default?: true;
  /** Windowed SLOs: the window (seconds of the run, 1-based, inclusive) whose value is reported. */
  worstWindow?: WorstWindow;
}

export function compare(value: number, op: SloOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '=':
      return value === threshold;
  }
}

/** Scope names come from user files: "constructor" must not resolve through the prototype chain. */
function scopeMetrics(source: MetricSource, scope: Threshold['scope']): SloMetricView | undefined {
  if (scope === undefined) return source.global;
  const byName = source.scopes[scope.kind];
  return byName !== undefined && Object.hasOwn(byName, scope.name) ? byName[scope.name] : undefined;
}

/**
 * Latency and ratio figures of an empty scope are placeholders (zeros), not measurements, so they need
 * at least one sample even when minSamples is 0; counts and rates are genuinely 0 and need none.
 */
function requiredSamples(spec: SloSpec): number {
  const kind = SLO_METRICS[spec.metric].kind;
  return kind === 'latency' || kind === 'ratio' ? Math.max(1, spec.minSamples) : spec.minSamples;
}

function evaluateOne(spec: SloSpec, source: MetricSource): SloVerdict {
  const { metric, op, value: threshold, unit } = spec;
  const base = { expr: formatThreshold(spec), metric, op, threshold, unit };
  const scoped = {
    ...(spec.scope !== undefined && { scope: { ...spec.scope } }),
    ...(spec.default && { default: true as const }),
  };
  const metrics = scopeMetrics(source, spec.scope);
  if (metrics === undefined) {
    const where = `${spec.scope?.kind ?? ''}:${spec.scope?.name ?? ''}`;
    return { ...base, ...scoped, value: null, samples: 0, pass: false, reason: `no scope ${where} in this run` };
  }
  const def: SloMetricDef = SLO_METRICS[spec.metric];
  // A burn rate compares against budget × burn; a plain threshold against itself.
  const holds = (value: number): boolean => compare(value, spec.op, spec.value * (spec.window?.burn ?? 1));
  const required = requiredSamples(spec);
  if (spec.window !== undefined && source.seconds !== undefined) {
    return { ...base, ...scoped, ...judgeWindows(spec, source.seconds, required, holds) };
  }
  const samples = def.samples?.(metrics) ?? metrics.requests;
  if (samples < required) {
    const have = samples === 0 ? 'no samples' : `only ${samples} sample${samples === 1 ? '' : 's'}`;
    return { ...base, ...scoped, value: null, samples, pass: false, reason: `${have}, ${required} required` };
  }
  const value = def.read(metrics);
  if (value === undefined) {
    return { ...base, ...scoped, value: null, samples, pass: false, reason: def.why ?? 'not measured in this run' };
  }
  return { ...base, ...scoped, value, samples, pass: holds(value) };
}

export function evaluateSlos(slos: readonly SloSpec[], source: MetricSource): SloVerdict[] {
  return slos.map((spec) => evaluateOne(spec, source));
}

/**
 * While running: the specs with abortOnFail whose grace period is over and whose verdict fails, given elapsedMs.
 * A verdict without a value (too few samples so far) never aborts: evidence may still arrive, and the final
 * evaluation fails it anyway if it does not.
 */
export function slosToAbort(slos: readonly SloSpec[], source: MetricSource, elapsedMs: number): SloVerdict[] {
  const due = slos.filter((spec) => spec.abortOnFail && elapsedMs >= spec.graceMs);
  return evaluateSlos(due, source).filter((v) => !v.pass && v.value !== null);
}

const plural = (kind: SloScopeKind): string => `${kind}s`;

/**
 * One message per SLO whose scope names something the scenario does not define, so a typo is caught
 * before any traffic is sent rather than as a failed gate at the end. `index` is the SLO's position in `slos`.
 */
export function checkScopes(
  slos: readonly Threshold[],
  known: Partial<Record<SloScopeKind, readonly string[]>>,
): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  for (const [index, slo] of slos.entries()) {
    if (slo.scope === undefined) continue;
    const { kind, name } = slo.scope;
    const names = known[kind] ?? [];
    if (names.includes(name)) continue;
    const hint = names.length === 0 ? `this run has no ${plural(kind)}` : `known: ${names.join(', ')}`;
    problems.push({ index, message: `slo "${slo.expr}": no ${kind} named "${name}" (${hint})` });
  }
  return problems;
}
