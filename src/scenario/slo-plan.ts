import { checkScopes } from '../slo/evaluate.js';
import { EVENT_SLO_METRICS } from '../slo/event-metrics.js';
import { parseThreshold, type SloScopeKind, type SloSpec } from '../slo/parse.js';
import type { SloEntryConfig } from './schema.js';

/**
 * The SLOs of a plan: parsed, checked against the workload's scopes and metrics, or the default budget when the
 * scenario sets none. Every problem carries the index of its SLO, so it is reported at that SLO's own line.
 */

/** The budget a run without SLOs is judged on, so a broken run never passes for want of a gate. */
export const DEFAULT_SLOS: readonly string[] = ['p95 < 200ms', 'error_rate < 1%'];

export interface SloProblem {
  /** Index in `slos`, or undefined for a problem of the list as a whole. */
  index: number | undefined;
  message: string;
}

function sloSpec(entry: SloEntryConfig): SloSpec {
  const base = typeof entry === 'string' ? { expr: entry, abortOnFail: false } : entry;
  const threshold = parseThreshold(base.expr);
  return {
    ...threshold,
    abortOnFail: base.abortOnFail,
    graceMs: 'grace' in base && base.grace !== undefined ? base.grace : 0,
    minSamples: 'minSamples' in base && base.minSamples !== undefined ? base.minSamples : 0,
  };
}

const isEventMetric = (metric: string): boolean => Object.hasOwn(EVENT_SLO_METRICS, metric);

/**
 * Parses the scenario's SLOs (or applies the defaults when it has no `slos` key) and checks that each can apply:
 * its scope exists, and an event metric (lost, e2e_p99, ...) is only asked of an event run.
 */
export function planSlos(
  entries: readonly SloEntryConfig[] | undefined,
  scopes: Partial<Record<SloScopeKind, readonly string[]>>,
  eventRun: boolean,
): { slos: SloSpec[]; problems: SloProblem[] } {
  if (entries === undefined) {
    return { slos: DEFAULT_SLOS.map((expr) => ({ ...sloSpec(expr), default: true as const })), problems: [] };
  }
  const problems: SloProblem[] = [];
  const parsed: { spec: SloSpec; index: number }[] = [];
  entries.forEach((entry, index) => {
    try {
      parsed.push({ spec: sloSpec(entry), index });
    } catch (err) {
      problems.push({ index, message: (err as Error).message });
    }
  });
  const slos = parsed.map((p) => p.spec);
  for (const p of checkScopes(slos, scopes)) problems.push({ index: parsed[p.index]?.index, message: p.message });
  if (!eventRun) {
    for (const { spec, index } of parsed) {
      if (!isEventMetric(spec.metric)) continue;
      problems.push({
        index,
        message: `${spec.metric} is measured on event runs only ("${spec.expr}"); this run sends requests`,
      });
    }
  }
  return { slos, problems };
}
