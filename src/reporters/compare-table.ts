import type { ChalkInstance } from 'chalk';
import {
  type CompareKind,
  type CompareMetric,
  type CompareRow,
  type CompareVerdict,
  compareKind,
} from '../result/compare.js';
import type { SloChange } from '../result/compare-slos.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { borderlessTable } from './table.js';
import { fmtCount, fmtMsUnit, fmtPercent, fmtRate, fmtSloValue } from './format.js';

const VALUE_FORMAT = {
  latency: (x: number) => fmtMsUnit(x),
  ratio: (x: number) => fmtPercent(x),
  rate: (x: number) => `${fmtRate(x)}/s`,
  count: (x: number) => fmtCount(x),
} satisfies Record<CompareKind, (x: number) => string>;

const fmtValue = (metric: CompareMetric, x: number): string => VALUE_FORMAT[compareKind(metric)](x);

const signed = (x: number, digits: number): string =>
  `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(digits)}`;

/** The interval's larger half-width around the estimate: "± 6.0%" never understates the uncertainty. */
function halfWidth(estimate: number, interval: [number, number]): number {
  return Math.max(interval[1] - estimate, estimate - interval[0], 0);
}

/** "+24.8% ± 6.1%" (latency, rate), "+0.50 pp ± 0.31 pp" (error rate), "+2" (messages). */
export function fmtChange(row: CompareRow): string {
  const kind = compareKind(row.metric);
  if (kind === 'count') return `${row.delta > 0 ? '+' : row.delta < 0 ? '−' : '±'}${fmtCount(Math.abs(row.delta))}`;
  if (kind === 'ratio') {
    const pp = signed(row.delta * 100, 2);
    return row.interval === null
      ? `${pp} pp`
      : `${pp} pp ± ${(halfWidth(row.delta, row.interval) * 100).toFixed(2)} pp`;
  }
  if (row.relative === null)
    return `${signed(row.delta, kind === 'latency' ? 2 : 1)}${kind === 'latency' ? ' ms' : '/s'}`;
  const pct = `${signed(row.relative * 100, 1)}%`;
  return row.interval === null ? pct : `${pct} ± ${(halfWidth(row.relative, row.interval) * 100).toFixed(1)}%`;
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
    fmtChange(row),
    fmtBudget(row),
  ];
}

const HEAD = ['scope', 'metric', 'baseline', 'current', 'change', 'budget', 'verdict'];

const VERDICT_LABEL = {
  regression: '✗ REGRESSION',
  improvement: '✓ improvement',
  'within noise': 'within noise',
  'too few samples': 'too few samples to judge',
  'not judged': 'not judged',
} satisfies Record<CompareVerdict, string>;

function verdictMark(row: CompareRow, c: ChalkInstance): string {
  const label = VERDICT_LABEL[row.verdict];
  const note = row.note === undefined ? '' : ` (${row.note})`;
  if (row.verdict === 'regression') return c.red(label);
  if (row.verdict === 'improvement') return c.green(label);
  return row.verdict === 'within noise' ? label : c.dim(label + note);
}

const MD_VERDICT = {
  regression: '❌ regression',
  improvement: '✅ improvement',
  'within noise': '✅ within noise',
  'too few samples': '➖ too few samples to judge',
  'not judged': '➖ not judged',
} satisfies Record<CompareVerdict, string>;

/** "✓ 41.0 ms" / "✗ 612 ms" / "—" (not set in that run). */
function sloCell(v: SloVerdict | undefined, pass: string, fail: string): string {
  if (v === undefined) return '—';
  return `${v.pass ? pass : fail} ${fmtSloValue(v.value, v.unit)}`;
}

/** Why the current verdict is what it is: a windowed SLO's worst window, a burn rate, too few samples. */
const sloNote = (s: SloChange): string => s.current?.reason ?? (s.current === undefined ? 'baseline only' : '');

const SLO_TITLE = "SLOs: each run's own verdict (shown, not gated)";

function formatSloChanges(slos: readonly SloChange[], c: ChalkInstance): string {
  if (slos.length === 0) return '';
  const t = borderlessTable(
    ['SLO', 'baseline', 'current', 'note'].map((h) => c.bold(h)),
    ['left', 'left', 'left', 'left'],
  );
  for (const s of slos) {
    const current = sloCell(s.current, '✓', '✗');
    const worse = s.baseline?.pass === true && s.current?.pass === false;
    t.push([s.expr, sloCell(s.baseline, '✓', '✗'), worse ? c.red(current) : current, c.dim(sloNote(s))]);
  }
  return `\n${SLO_TITLE}\n${t.toString()}\n`;
}

export function formatCompare(
  rows: readonly CompareRow[],
  c: ChalkInstance,
  notes: readonly string[],
  slos: readonly SloChange[] = [],
): string {
  const t = borderlessTable(
    HEAD.map((h) => c.bold(h)),
    ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  for (const row of rows) {
    t.push([...compareCells(row), verdictMark(row, c)]);
  }
  const regressions = rows.filter((r) => r.regression);
  const verdict =
    regressions.length === 0
      ? c.green.bold('PASS  no regression beyond budget')
      : c.red.bold(`FAIL  ${regressions.length} regression${regressions.length === 1 ? '' : 's'}: `) +
        regressions.map((r) => `${r.scope} ${r.metric}`).join(', ');
  const notesText = notes.map((n) => `${c.yellow(n)}\n`).join('');
  return `\n${t.toString()}\n${formatSloChanges(slos, c)}${notesText}\n${verdict}\n`;
}

export function formatCompareMarkdown(
  rows: readonly CompareRow[],
  notes: readonly string[],
  slos: readonly SloChange[] = [],
): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '| scope | metric | baseline | current | change | budget | verdict |',
    '| :--- | :--- | ---: | ---: | ---: | ---: | :--- |',
    ...rows.map(
      (r) =>
        `| ${[...compareCells(r), MD_VERDICT[r.verdict] + (r.note === undefined ? '' : ` (${r.note})`)].map(esc).join(' | ')} |`,
    ),
  ];
  const regressions = rows.filter((r) => r.regression);
  const verdict =
    regressions.length === 0
      ? '✅ **no regression beyond budget**'
      : `❌ **${regressions.length} regression(s)**: ${regressions.map((r) => `${r.scope} ${r.metric}`).join(', ')}`;
  const sloLines =
    slos.length === 0
      ? ''
      : [
          `\n### ${SLO_TITLE}\n`,
          '| SLO | baseline | current | note |',
          '| :--- | :--- | :--- | :--- |',
          ...slos.map(
            (s) =>
              `| ${[`\`${s.expr}\``, sloCell(s.baseline, '✅', '❌'), sloCell(s.current, '✅', '❌'), sloNote(s)].map(esc).join(' | ')} |`,
          ),
        ].join('\n') + '\n';
  return `## backend-bench compare\n\n${verdict}\n\n${lines.join('\n')}\n${sloLines}${notes.map((n) => `\n> ${n}`).join('')}\n`;
}
