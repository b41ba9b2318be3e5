import type { ChalkInstance } from 'chalk';
import { ERROR_KINDS } from '../metrics/error-kinds.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import { sectionsOf } from '../workloads/registry.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate, fmtSloValue, fmtUnfinished } from './format.js';
import { headlineFigures } from './headline.js';
import type { SectionView } from './section.js';
import { formatConnections } from './connections-summary.js';
import { borderlessTable as table, renderTable as render } from './table.js';

function requestRow(name: string, m: ScopeMetrics, c: ChalkInstance): string[] {
  const err = m.errors > 0 ? c.red(fmtPercent(m.errorRate)) : fmtPercent(m.errorRate);
  const l = m.latencyMs;
  return [
    name,
    fmtCount(m.requests),
    fmtRate(m.rps),
    err,
    m.dropped > 0 ? c.yellow(fmtCount(m.dropped)) : '0',
    ...[l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map(fmtMs),
  ];
}

function requestsTable(result: RunResult, c: ChalkInstance): string {
  const t = table(
    ['request', 'count', 'rps', 'err %', 'dropped', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'].map((h) => c.bold(h)),
    ['left', ...Array<'right'>(10).fill('right')],
  );
  const names = Object.keys(result.byRequest);
  for (const name of names) t.push(requestRow(name, result.byRequest[name] as ScopeMetrics, c));
  if (names.length !== 1) t.push(requestRow(c.bold('all'), result.metrics, c));
  return `${c.bold('Requests')} ${c.dim('(latency in ms)')}\n${render(t)}`;
}

function errorsTable(result: RunResult, c: ChalkInstance): string | undefined {
  const kinds = ERROR_KINDS.filter((k) => result.errorsByKind[k] > 0);
  if (kinds.length === 0) return undefined;
  const t = table([c.bold('kind'), c.bold('count')], ['left', 'right']);
  for (const k of kinds) t.push([k, fmtCount(result.errorsByKind[k])]);
  const samples = Object.entries(result.errorSamples)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([msg, n]) => `  ${c.dim(`${fmtCount(n)}×`)} ${msg}`);
  return [
    `${c.bold('Errors')}`,
    render(t),
    ...(samples.length > 0 ? [c.dim(' first messages:'), ...samples] : []),
  ].join('\n');
}

function slosTable(result: RunResult, c: ChalkInstance): string | undefined {
  if (result.slos.length === 0) return undefined;
  const t = table([c.bold(''), c.bold('SLO'), c.bold('measured'), c.bold('')], ['left', 'left', 'right', 'left']);
  for (const v of result.slos) {
    const mark = v.pass ? c.green('✓ pass') : c.red('✗ FAIL');
    t.push([mark, v.expr, fmtSloValue(v.value, v.unit), v.reason === undefined ? '' : c.dim(v.reason)]);
  }
  const defaults = result.slos.some((v) => v.default) ? c.dim(' (default SLOs: the scenario sets none)') : '';
  return `${c.bold('SLOs')}${defaults}\n${render(t)}`;
}

/** A merge says over which window its rates were taken. */
const mergedWindowNote = ({ mergedWindow: w }: RunResult): string =>
  w === undefined
    ? ''
    : w.rateFrom === 'overlap'
      ? `; rates over the ${(w.overlapMs / 1000).toFixed(1)}s all ran`
      : '; no overlap: rates summed';

function headline(result: RunResult, sections: readonly SectionView[], c: ChalkInstance): string {
  const m = result.metrics;
  const seconds = (result.durationMs / 1000).toFixed(1);
  // A section may say what the run's requests are (an event run's are messages), and count them as its table does.
  const h = headlineFigures(result);
  const parts = [
    `${fmtCount(h.count)} ${h.noun} in ${seconds}s`,
    `${fmtRate(h.rate)} ${h.rateUnit}`,
    `${m.errors > 0 ? c.red(fmtCount(m.errors)) : '0'} errors (${fmtPercent(m.errorRate)})`,
  ];
  if (m.dropped > 0) parts.push(c.yellow(`${fmtCount(m.dropped)} dropped starts`));
  if (result.model === 'open') parts.push(`send delay p99 ${fmtMsUnit(result.sendDelayMs.p99)}`);
  // A part of a split run, or the merge of parts, says so: its figures are not one generator's.
  const split = result.shard
    ? `, shard ${result.shard.index}/${result.shard.count}`
    : result.mergedFrom
      ? `, merged from ${result.mergedFrom.length} results${mergedWindowNote(result)}`
      : '';
  return `${c.bold(result.scenario)} → ${result.target} ${c.dim(`(${result.model} model, run ${result.runId}${split})`)}\n${parts.join(' · ')}`;
}

function verdictLine(result: RunResult, c: ChalkInstance): string {
  const notes: string[] = [];
  if (result.interrupted) notes.push(c.yellow(`interrupted: partial result${fmtUnfinished(result.errorsByKind)}`));
  if (result.partial) notes.push(c.yellow('partial: shards missing from the merge'));
  if (result.abortedBy !== null) notes.push(c.red(`aborted early: ${result.abortedBy} already failed`));
  const failed = result.slos.filter((v) => !v.pass).length;
  const noun = result.slos.some((v) => v.default) ? 'default SLOs ' : 'SLOs ';
  const verdict =
    result.failure !== undefined
      ? c.red.bold(`FAIL  the run could not be completed: ${result.failure}`)
      : result.slos.length === 0
        ? c.dim('no SLOs defined')
        : result.pass
          ? c.green.bold(`PASS  ${result.slos.length}/${result.slos.length} ${noun}met`)
          : c.red.bold(`FAIL  ${failed} of ${result.slos.length} ${noun}failed`);
  return [verdict, ...notes].join(' · ');
}

function saturationWarning(result: RunResult, c: ChalkInstance): string | undefined {
  if (!result.generator.saturated) return undefined;
  return c.yellow(
    `⚠ the load generator was saturated (${result.generator.reasons.join('; ')}): ` +
      'figures may measure the generator, not the target. Use fewer connections, a lower rate or more workers.',
  );
}

/** Outputs that failed (an export, a push, a bind): the verdict stands, but what left the machine is incomplete. */
function outputWarnings(result: RunResult, c: ChalkInstance): string | undefined {
  const lines = result.warnings ?? [];
  if (lines.length === 0) return undefined;
  const head = `⚠ ${lines.length === 1 ? 'an output' : `${lines.length} outputs`} failed (--strict-outputs makes this exit 3):`;
  return c.yellow([head, ...lines.map((l) => `  ${l}`)].join('\n'));
}

/** The end-of-run summary as a string; the caller decides where it goes. */
export function formatSummary(result: RunResult, c: ChalkInstance): string {
  const sections = sectionsOf(result);
  const blocks = [
    headline(result, sections, c),
    sections.some((s) => s.replacesRequestTable === true) ? undefined : requestsTable(result, c),
    ...sections.map((s) => s.summary?.(result, c)),
    formatConnections(result, c),
    errorsTable(result, c),
    slosTable(result, c),
    saturationWarning(result, c),
    outputWarnings(result, c),
    verdictLine(result, c),
  ];
  return `\n${blocks.filter((b) => b !== undefined).join('\n\n')}\n`;
}
