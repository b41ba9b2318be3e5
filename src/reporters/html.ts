import { ERROR_KINDS } from '../metrics/error-kinds.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate, fmtSloValue } from './format.js';
import { type ChartAssets, loadChartAssets } from './html-assets.js';
import { CHART_SCRIPT } from './html-charts.js';
import { optionalTables } from './report-sections.js';
import { headlineFigures, showsRequestTable } from './headline.js';
import { reportCharts } from './report-charts.js';
import type { ReportChart } from './section.js';
import type { Reporter } from './reporter.js';
import { writeReport } from './write-report.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** JSON inside <script>: "<" escaped so no value (a request name, an error text) can close the tag. */
const jsonIsland = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * Numbers align right in every column of every table (a heading over them too); the columns in `text` (names,
 * SLO expressions, notes) align left.
 */
function table(head: readonly string[], rows: readonly (readonly string[])[], text: readonly number[] = [0]): string {
  const cls = (i: number): string => (text.includes(i) ? ' class="text"' : '');
  const th = head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function sloTable(result: RunResult): string {
  if (result.slos.length === 0) return '<p class="muted">No SLOs defined.</p>';
  const rows = result.slos.map((v) => [
    v.pass ? '<span class="pass">✓ pass</span>' : '<span class="fail">✗ FAIL</span>',
    `<code>${esc(v.expr)}</code>`,
    esc(fmtSloValue(v.value, v.unit)),
    esc(v.reason ?? ''),
  ]);
  return table(['', 'SLO', 'measured', 'note'], rows, [0, 1, 3]);
}

function scopeTable(title: string, byScope: Readonly<Record<string, ScopeMetrics>>, total: ScopeMetrics): string {
  const row = (name: string, m: ScopeMetrics): string[] => [
    esc(name),
    fmtCount(m.requests),
    fmtRate(m.rps),
    fmtPercent(m.errorRate),
    fmtCount(m.dropped),
    ...[m.latencyMs.p50, m.latencyMs.p90, m.latencyMs.p95, m.latencyMs.p99, m.latencyMs.p999, m.latencyMs.max].map(
      fmtMs,
    ),
  ];
  const rows = Object.entries(byScope).map(([name, m]) => row(name, m));
  if (rows.length !== 1) rows.push(row('all', total));
  return table([title, 'count', 'rps', 'errors', 'dropped', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'], rows);
}

/** The charts' data, one value per second of the run. */
export function chartData(result: RunResult): { charts: ReportChart[] } {
  return { charts: reportCharts(result) };
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111}
h1{font-size:1.4rem;margin-bottom:.2rem}.muted{color:#666}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #e5e7eb;text-align:right}
.text{text-align:left}.verdict{font-size:1.2rem;margin:.6rem 0}
.chart{margin:1rem 0}.warn{background:#fef3c7;padding:.5rem .8rem;border-radius:4px}`;

/** One self-contained page: charts of RPS, latency percentiles and errors over time, and the SLO table. Pure. */
export function formatHtml(result: RunResult, assets: ChartAssets): string {
  const m = result.metrics;
  const h = headlineFigures(result);
  const failed = result.slos.filter((v) => !v.pass).length;
  const verdict =
    result.failure !== undefined
      ? `<span class="fail">FAIL: the run could not be completed: ${esc(result.failure)}</span>`
      : result.slos.length === 0
        ? '<span class="muted">no SLOs defined</span>'
        : result.pass
          ? `<span class="pass">PASS: ${result.slos.length}/${result.slos.length} SLOs met</span>`
          : `<span class="fail">FAIL: ${failed} of ${result.slos.length} SLOs failed</span>`;
  const warnings = [
    result.interrupted ? 'The run was interrupted: partial result.' : undefined,
    result.abortedBy !== null ? `Aborted early: ${result.abortedBy} had already failed.` : undefined,
    result.generator.saturated ? `Load generator saturated (${result.generator.reasons.join('; ')}).` : undefined,
    ...(result.warnings ?? []).map((w) => `Output failed: ${w}`),
  ]
    .filter((w) => w !== undefined)
    .map((w) => `<p class="warn">⚠ ${esc(w)}</p>`)
    .join('\n');
  const errorRows = ERROR_KINDS.filter((k) => result.errorsByKind[k] > 0).map((k) => [
    k,
    fmtCount(result.errorsByKind[k]),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>backend-bench: ${esc(result.scenario)}</title>
<style>${assets.css}</style><style>${STYLE}</style></head>
<body>
<h1>backend-bench: ${esc(result.scenario)}</h1>
<p class="muted">${esc(result.target)} · ${result.model} model · run ${esc(result.runId)} · ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s</p>
<p class="verdict">${verdict}</p>
<p>${fmtCount(h.count)} ${esc(h.noun)} · ${fmtRate(h.rate)} ${esc(h.rateUnit)} · ${fmtPercent(m.errorRate)} errors · p50 ${fmtMsUnit(m.latencyMs.p50)} · p95 ${fmtMsUnit(m.latencyMs.p95)} · p99 ${fmtMsUnit(m.latencyMs.p99)}</p>
${warnings}
<h2>SLOs</h2>
${sloTable(result)}
<div id="charts"></div>
${showsRequestTable(result) ? `<h2>Requests <span class="muted">(latency in ms)</span></h2>\n${scopeTable('request', result.byRequest, m)}` : ''}
${optionalTables(result)
  .map(
    (t) =>
      `<h2>${esc(t.title)}</h2>\n${table(
        t.head,
        t.rows.map((r) => r.map(esc)),
      )}`,
  )
  .join('\n')}
${errorRows.length > 0 ? `<h2>Errors</h2>\n${table(['kind', 'count'], errorRows)}` : ''}
<script id="bb-data" type="application/json">${jsonIsland(chartData(result))}</script>
<script>${assets.script}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

export class HtmlReporter implements Reporter {
  readonly name = 'html';
  constructor(private readonly file: string) {}

  async onEnd(result: RunResult): Promise<void> {
    await writeReport(this.file, formatHtml(result, await loadChartAssets()));
  }
}
