import type { RunResult } from '../result/run-result.js';
import { sectionsOf } from '../workloads/registry.js';
import type { ReportTable } from './section.js';

/**
 * The sections of a result that the Markdown and HTML reports render when present, as plain tables (title,
 * head, rows) each report formats its own way; each workload's section says which tables it has.
 */
export type { ReportTable } from './section.js';

/** In the order reports print them: the result's sections in registry order; absent sections give nothing. */
export function optionalTables(result: RunResult): ReportTable[] {
  return sectionsOf(result).flatMap((s) => s.tables?.(result) ?? []);
}
