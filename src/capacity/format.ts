/**
 * What the terminal shows of a capacity search: the step table, a small latency-against-rate chart and the
 * answer. Returns strings; the command writes them.
 */
import { fmtMs, fmtPercent, fmtRate } from '../reporters/format.js';
import { borderlessTable, renderTable } from '../reporters/table.js';
import { type CapacitySection, describeCapacity } from './capacity-result.js';
import type { CapacityStep } from './step.js';

const VERDICT_TEXT: Record<CapacityStep['verdict'], string> = {
  pass: 'pass',
  fail: 'FAIL',
  generator: 'generator saturated',
  insufficient: 'too few samples',
  interrupted: 'interrupted',
};

function lagText(s: CapacityStep): string {
  if (s.lag === undefined) return '';
  return `${s.lag.start} → ${s.lag.end}${s.lag.growing ? ' ↑' : ''}`;
}

/** One row per step, in the order they were held. */
export function formatStepTable(c: CapacitySection): string {
  const events = c.steps.some((s) => s.lag !== undefined);
  const head = ['#', 'rate', 'achieved', 'p50', 'p95', 'p99', 'err %', ...(events ? ['lag'] : []), 'verdict'];
  const t = borderlessTable(head, ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left']);
  c.steps.forEach((s, i) => {
    const why = s.verdict === 'fail' ? ` (${s.failed.join(', ')})` : '';
    t.push([
      String(i + 1),
      fmtRate(s.rate),
      fmtRate(s.achievedRate),
      fmtMs(s.latencyMs.p50),
      fmtMs(s.latencyMs.p95),
      fmtMs(s.latencyMs.p99),
      fmtPercent(s.errorRate),
      ...(events ? [lagText(s)] : []),
      `${VERDICT_TEXT[s.verdict]}${why}`,
    ]);
  });
  return renderTable(t);
}

const HEIGHT = 8;

/**
 * p95 (•) and p99 (·) latency against rate, one column per step sorted by rate, on a log scale so a knee of
 * 10 ms → 2 s still fits eight lines. A failing step's column is marked ✗ under the axis.
 */
export function formatLatencyChart(c: CapacitySection): string {
  const steps = [...c.steps].filter((s) => s.requests > 0).sort((a, b) => a.rate - b.rate);
  if (steps.length < 2) return '';
  const values = steps.flatMap((s) => [s.latencyMs.p95, s.latencyMs.p99]).filter((v) => v > 0);
  if (values.length === 0) return '';
  const lo = Math.log10(Math.max(Math.min(...values), 0.01));
  const hi = Math.log10(Math.max(...values, 0.02));
  const span = hi - lo || 1;
  const row = (ms: number): number => (ms <= 0 ? 0 : Math.round(((Math.log10(ms) - lo) / span) * (HEIGHT - 1)));
  const width = 7;
  const lines: string[] = [];
  for (let r = HEIGHT - 1; r >= 0; r--) {
    const label = r === HEIGHT - 1 ? fmtMs(10 ** hi) : r === 0 ? fmtMs(10 ** lo) : '';
    const cells = steps.map((s) => {
      const mark = row(s.latencyMs.p95) === r ? '•' : row(s.latencyMs.p99) === r ? '·' : ' ';
      return mark.padStart(Math.ceil(width / 2)).padEnd(width);
    });
    lines.push(`${label.padStart(7)} ┤${cells.join('')}`.trimEnd());
  }
  lines.push(`${''.padStart(7)} └${'─'.repeat(width * steps.length)}`);
  lines.push(
    `${'rate/s'.padStart(7)}  ${steps.map((s) => fmtRate(s.rate).padStart(5).padEnd(width)).join('')}`.trimEnd(),
  );
  lines.push(
    `${''.padStart(7)}  ${steps.map((s) => (s.pass ? '' : '✗').padStart(4).padEnd(width)).join('')}`.trimEnd(),
  );
  return `latency (ms, log scale): • p95  · p99\n${lines.join('\n')}`;
}

/** The whole terminal summary of a search. */
export function formatCapacity(c: CapacitySection, title: string): string {
  const chart = formatLatencyChart(c);
  return [
    title,
    '',
    `Steps (${c.unit}; latency in ms over the held part of each step)`,
    formatStepTable(c),
    ...(chart === '' ? [] : ['', chart]),
    '',
    describeCapacity(c),
    '',
  ].join('\n');
}
