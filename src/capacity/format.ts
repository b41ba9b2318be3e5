/**
 * What the terminal shows of a capacity search: the step table, a small latency-against-rate chart and the
 * answer. Returns strings; the command writes them.
 */
import { fmtMs, fmtPercent, fmtRate } from '../reporters/format.js';
import { borderlessTable, renderTable } from '../reporters/table.js';
import { type CapacitySection, describeCapacity } from './capacity-result.js';
import type { CapacityStep } from './step.js';

export const VERDICT_TEXT: Record<CapacityStep['verdict'], string> = {
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

/**
 * A step's latency as the table shows it; "—" when no request got an answer (refused, reset), whose empty
 * histogram would otherwise read as 0.00 ms.
 */
export function stepMs(s: CapacityStep, key: 'p50' | 'p95' | 'p99'): string {
  return s.latencyMs.max > 0 ? fmtMs(s.latencyMs[key]) : '—';
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
      fmtHeldRate(s.rate),
      fmtRate(s.achievedRate),
      stepMs(s, 'p50'),
      stepMs(s, 'p95'),
      stepMs(s, 'p99'),
      fmtPercent(s.errorRate),
      ...(events ? [lagText(s)] : []),
      `${VERDICT_TEXT[s.verdict]}${why}`,
    ]);
  });
  return renderTable(t);
}

/**
 * The steps on a latency-against-rate curve, by rate: a step the generator bounded, or one cut short, measured
 * the tool rather than the target, and one with no request has no latency.
 */
export function curveSteps(c: CapacitySection): CapacityStep[] {
  return c.steps
    .filter((s) => s.requests > 0 && s.verdict !== 'generator' && s.verdict !== 'interrupted')
    .sort((a, b) => a.rate - b.rate);
}

const HEIGHT = 8;
/** The chart fits an 80-column terminal: 9 columns of axis, then one column per step. */
const CHART_COLUMNS = 80 - 9;

/** A held rate as the search chose it (whole numbers from 20/s, tenths below): "50", not "50.0". */
export function fmtHeldRate(rate: number): string {
  return String(rate);
}

/**
 * Labels centred under their columns, left to right; one that would touch the label before it is left out
 * (its column still has its mark), so a search of many close rates stays readable.
 */
function labelRow(labels: string[], width: number, markAt: number): string {
  let line = '';
  for (const [i, label] of labels.entries()) {
    const at = Math.max(0, i * width + markAt - Math.floor((label.length - 1) / 2));
    if (line !== '' && at < line.length + 1) continue;
    line = line.padEnd(at) + label;
  }
  return line;
}

/**
 * p95 (•) and p99 (·) latency against rate, one column per judged step sorted by rate, on a log scale so a knee
 * of 10 ms → 2 s still fits eight lines. A failing step's column is marked ✗ under the axis.
 */
export function formatLatencyChart(c: CapacitySection): string {
  const steps = curveSteps(c);
  if (steps.length < 2) return '';
  const values = steps.flatMap((s) => [s.latencyMs.p95, s.latencyMs.p99]).filter((v) => v > 0);
  if (values.length === 0) return '';
  const lo = Math.log10(Math.max(Math.min(...values), 0.01));
  const hi = Math.log10(Math.max(...values, 0.02));
  const span = hi - lo || 1;
  const row = (ms: number): number => (ms <= 0 ? 0 : Math.round(((Math.log10(ms) - lo) / span) * (HEIGHT - 1)));
  const width = Math.max(3, Math.min(7, Math.floor(CHART_COLUMNS / steps.length)));
  const markAt = Math.floor(width / 2);
  const cell = (mark: string): string => `${' '.repeat(markAt)}${mark}`.padEnd(width);
  const lines: string[] = [];
  for (let r = HEIGHT - 1; r >= 0; r--) {
    const label = r === HEIGHT - 1 ? fmtMs(10 ** hi) : r === 0 ? fmtMs(10 ** lo) : '';
    const cells = steps.map((s) => cell(row(s.latencyMs.p95) === r ? '•' : row(s.latencyMs.p99) === r ? '·' : ' '));
    lines.push(`${label.padStart(7)} ┤${cells.join('')}`.trimEnd());
  }
  lines.push(`${''.padStart(7)} └${'─'.repeat(width * steps.length)}`);
  const rates = labelRow(
    steps.map((s) => fmtHeldRate(s.rate)),
    width,
    markAt,
  );
  lines.push(`${'rate/s'.padStart(7)}  ${rates}`.trimEnd());
  lines.push(`${''.padStart(7)}  ${steps.map((s) => cell(s.verdict === 'fail' ? '✗' : ' ')).join('')}`.trimEnd());
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
