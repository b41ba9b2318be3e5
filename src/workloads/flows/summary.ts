import type { ChalkInstance } from 'chalk';
import type { ScopeMetrics } from '../../metrics/run-aggregator.js';
import type { GroupScopeMetrics } from '../../metrics/scope-table.js';
import type { ServiceMetrics, StepMetrics } from './section.js';
import type { RunResult } from '../../result/run-result.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent } from '../../reporters/format.js';
import { borderlessTable, renderTable } from '../../reporters/table.js';

/**
 * The flow part of the end-of-run summary: flows, their steps, and the services ranked by their share of the
 * flows' time, the table that answers "which service eats my latency budget?". Pure: returns a string.
 */

const BAR_WIDTH = 20;
const EXEMPLARS_SHOWN = 3;

const latencyCells = ({ latencyMs: l }: ScopeMetrics): string[] => [l.p50, l.p95, l.p99, l.max].map(fmtMs);

function errorCell(m: ScopeMetrics, c: ChalkInstance): string {
  return m.errors > 0 ? c.red(fmtPercent(m.errorRate)) : fmtPercent(m.errorRate);
}

const countCell = (n: number, paint: (s: string) => string): string => (n > 0 ? paint(fmtCount(n)) : '0');

function shareCell(share: number, c: ChalkInstance): string {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * BAR_WIDTH);
  return `${fmtPercent(share).padStart(7)} ${c.cyan('█'.repeat(filled))}${c.dim('·'.repeat(BAR_WIDTH - filled))}`;
}

function flowsTable(byFlow: Record<string, GroupScopeMetrics>, c: ChalkInstance): string {
  const head = ['flow', 'iterations', 'failed', 'skipped', 'dropped', 'p50', 'p95', 'p99', 'max'];
  const t = borderlessTable(
    head.map((h) => c.bold(h)),
    ['left', ...Array<'right'>(8).fill('right')],
  );
  for (const [name, m] of Object.entries(byFlow)) {
    const counts = [
      fmtCount(m.requests),
      errorCell(m, c),
      countCell(m.skipped, c.yellow),
      countCell(m.dropped, c.yellow),
    ];
    t.push([name, ...counts, ...latencyCells(m)]);
  }
  return `${c.bold('Flows')} ${c.dim('(iteration duration in ms, think time included)')}\n${renderTable(t)}`;
}

function stepsTable(byStep: Record<string, StepMetrics>, flowTime: Record<string, number>, c: ChalkInstance): string {
  const head = ['step', 'service', 'count', 'errors', 'skipped', 'p50', 'p95', 'p99', 'max', 'share of its flow'];
  const t = borderlessTable(
    head.map((h) => c.bold(h)),
    ['left', 'left', ...Array<'right'>(7).fill('right'), 'left'],
  );
  for (const [name, m] of Object.entries(byStep)) {
    const total = flowTime[m.flow] ?? 0;
    const counts = [fmtCount(m.requests), errorCell(m, c), countCell(m.skipped, c.yellow)];
    const share = shareCell(total > 0 ? m.timeMs / total : 0, c);
    t.push([`${c.dim(`${m.flow} ›`)} ${name}`, m.service, ...counts, ...latencyCells(m), share]);
  }
  return `${c.bold('Steps')} ${c.dim('(latency in ms)')}\n${renderTable(t)}`;
}

function servicesTable(byService: Record<string, ServiceMetrics>, totalMs: number, c: ChalkInstance): string {
  const head = ['service', 'requests', 'errors', 'p50', 'p95', 'p99', 'max', 'share of flow time'];
  const t = borderlessTable(
    head.map((h) => c.bold(h)),
    ['left', ...Array<'right'>(6).fill('right'), 'left'],
  );
  const ranked = Object.entries(byService).sort((a, b) => b[1].timeMs - a[1].timeMs);
  let servicesMs = 0;
  for (const [name, m] of ranked) {
    servicesMs += m.timeMs;
    const share = shareCell(totalMs > 0 ? m.timeMs / totalMs : 0, c);
    t.push([name, fmtCount(m.requests), errorCell(m, c), ...latencyCells(m), share]);
  }
  // What no service accounts for: think time, and the client's own time between steps.
  const rest = Math.max(0, totalMs - servicesMs);
  t.push([c.dim('think time & client'), '', '', '', '', '', '', shareCell(totalMs > 0 ? rest / totalMs : 0, c)]);
  return `${c.bold('Services')} ${c.dim('ranked by share of flow time (latency in ms)')}\n${renderTable(t)}`;
}

function tracesBlock(result: RunResult, c: ChalkInstance): string | undefined {
  const slowest = result.traces?.slowest.slice(0, EXEMPLARS_SHOWN) ?? [];
  const failed = result.traces?.failed.slice(0, EXEMPLARS_SHOWN) ?? [];
  if (slowest.length === 0 && failed.length === 0) return undefined;
  const line = (e: { traceId: string; flow: string; durationMs: number }): string =>
    `  ${e.traceId}  ${c.dim(`${e.flow}, ${fmtMsUnit(e.durationMs)}`)}`;
  const lines = [c.bold('Traces') + c.dim(' (W3C trace ids, to open in Jaeger or Tempo; all in the JSON result)')];
  if (slowest.length > 0) lines.push(c.dim(' slowest:'), ...slowest.map(line));
  if (failed.length > 0) lines.push(c.dim(' failed:'), ...failed.map(line));
  return lines.join('\n');
}

/** The flow blocks, or undefined for a run without flows. */
export function formatFlows(result: RunResult, c: ChalkInstance): string | undefined {
  const { byFlow, byStep, byService } = result;
  if (byFlow === undefined || byStep === undefined || byService === undefined) return undefined;
  const flowTime = Object.fromEntries(Object.entries(byFlow).map(([name, m]) => [name, m.timeMs]));
  const totalMs = Object.values(flowTime).reduce((a, b) => a + b, 0);
  return [
    flowsTable(byFlow, c),
    stepsTable(byStep, flowTime, c),
    servicesTable(byService, totalMs, c),
    tracesBlock(result, c),
  ]
    .filter((b) => b !== undefined)
    .join('\n\n');
}
