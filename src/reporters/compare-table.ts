import type { ChalkInstance } from 'chalk';
import { type CompareKind, type CompareMetric, type CompareRow, compareKind } from '../result/compare.js';
import { borderlessTable } from './table.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate } from './format.js';

const VALUE_FORMAT = {
  latency: (x: number) => fmtMsUnit(x),
  ratio: (x: number) => fmtPercent(x),
  rate: (x: number) => `${fmtRate(x)}/s`,
  count: (x: number) => fmtCount(x),
} satisfies Record<CompareKind, (x: number) => string>;

const fmtValue = (metric: CompareMetric, x: number): string => VALUE_FORMAT[compareKind(metric)](x);

function fmtDelta(row: CompareRow): string {
  const kind = compareKind(row.metric);
  const sign = row.delta > 0 ? '+' : row.delta < 0 ? '−' : '±';
  const abs = Math.abs(row.delta);
  if (kind === 'ratio') return `${sign}${(abs * 100).toFixed(2)} pp`;
  if (kind === 'count') return `${sign}${fmtCount(abs)}`;
  const rel =
    row.relative === null ? '' : ` (${row.relative >= 0 ? '+' : '−'}${Math.abs(row.relative * 100).toFixed(1)}%)`;
  return `${sign}${kind === 'latency' ? fmtMs(abs) : fmtRate(abs)}${rel}`;
}

function fmtBudget(row: CompareRow): string {
  if (row.budget === null) return '—';
  const kind = compareKind(row.metric);
  if (kind === 'count') return `+${fmtCount(row.budget)}`;
  const pct = `${Number((row.budget * 100).toPrecision(6))}`;
  return kind === 'ratio' ? `+${pct} pp` : kind === 'rate' ? `−${pct}%` : `+${pct}%`;
}

/** Plain cells: the terminal colours them, Markdown marks them. */
export function compareCells(row: CompareRow): string[] {
  return [
    row.scope,
    row.metric,
    fmtValue(row.metric, row.baseline),
    fmtValue(row.metric, row.current),
    fmtDelta(row),
    fmtBudget(row),
  ];
}

const HEAD = ['scope', 'metric', 'baseline', 'current', 'delta', 'budget', ''];

export function formatCompare(rows: readonly CompareRow[], c: ChalkInstance, notes: readonly string[]): string {
  const t = borderlessTable(
    HEAD.map((h) => c.bold(h)),
    ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  for (const row of rows) {
    const mark = row.regression ? c.red('✗ REGRESSION') : row.note !== undefined ? c.dim(row.note) : c.green('ok');
    t.push([...compareCells(row), mark]);
  }
  const regressions = rows.filter((r) => r.regression);
  const verdict =
    regressions.length === 0
      ? c.green.bold('PASS  no regression beyond budget')
      : c.red.bold(`FAIL  ${regressions.length} regression${regressions.length === 1 ? '' : 's'}: `) +
        regressions.map((r) => `${r.scope} ${r.metric}`).join(', ');
  return `\n${t.toString()}\n${notes.map((n) => `${c.yellow(n)}\n`).join('')}\n${verdict}\n`;
}

export function formatCompareMarkdown(rows: readonly CompareRow[], notes: readonly string[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '| scope | metric | baseline | current | delta | budget | |',
    '| :--- | :--- | ---: | ---: | ---: | ---: | :--- |',
    ...rows.map(
      (r) => `| ${[...compareCells(r), r.regression ? '❌ regression' : (r.note ?? '✅')].map(esc).join(' | ')} |`,
    ),
  ];
  const regressions = rows.filter((r) => r.regression);
  const verdict =
    regressions.length === 0
      ? '✅ **no regression beyond budget**'
      : `❌ **${regressions.length} regression(s)**: ${regressions.map((r) => `${r.scope} ${r.metric}`).join(', ')}`;
  return `## backend-bench compare\n\n${verdict}\n\n${lines.join('\n')}\n${notes.map((n) => `\n> ${n}`).join('')}\n`;
}
