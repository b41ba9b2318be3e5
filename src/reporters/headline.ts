import type { RunResult } from '../result/run-result.js';
import { sectionsOf } from '../workloads/registry.js';

/** The run's headline figures: how many of what, at what rate, as the run's own tables count them. */
export interface HeadlineFigures {
  count: number;
  /** "requests", or what the workload's section calls them ("messages published"). */
  noun: string;
  rate: number;
  /** "rps", "msg/s". */
  rateUnit: string;
}

/** Whether the report shows the request table: not when a section's table stands in for it (an event run's queues). */
export function showsRequestTable(result: RunResult): boolean {
  return Object.keys(result.byRequest).length > 0 && !sectionsOf(result).some((s) => s.replacesRequestTable === true);
}

/** One source for the terminal, Markdown and HTML headlines, so they say the same thing. */
export function headlineFigures(result: RunResult): HeadlineFigures {
  const units = sectionsOf(result).find((s) => s.units !== undefined)?.units;
  const figures = units?.figures?.(result) ?? { count: result.metrics.requests, rate: result.metrics.rps };
  return { ...figures, noun: units?.requests ?? 'requests', rateUnit: units?.rate ?? 'rps' };
}
