import { ERROR_KINDS } from '../metrics/error-kinds.js';
import type { ScopeMetrics } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import { fmtCount, fmtMs, fmtMsUnit, fmtPercent, fmtRate, fmtSloValue, fmtUnfinished } from './format.js';
import { optionalTables } from './report-sections.js';
import { headlineFigures, showsRequestTable } from './headline.js';
import type { Reporter } from './reporter.js';
import { writeReport } from './write-report.js';

/** Table cells come from user-named things: a pipe or newline would break the table. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/**
 * User-named text outside code spans (scenario, target, request names): GitHub renders HTML in Markdown, so a
 * "<tag>" would vanish or become markup. Inside backticks text is literal and is left alone.
 */
const text = (s: string): string => s.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);

/** Columns from `rightFrom` on are right-aligned (numbers), up to `rightTo` (exclusive) when given. */
function mdTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  rightFrom = 1,
  rightTo = head.length,
): string {
  const align = head.map((_, i) => (i >= rightFrom && i < rightTo ? '---:' : ':---'));
  return [head, align, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

function verdict(result: RunResult): string {
  const n = result.slos.length;
  const failed = result.slos.filter((v) => !v.pass).length;
  if (result.failure !== undefined) return `❌ **FAIL**: the run could not be completed: ${result.failure}`;
  if (n === 0) return '**no SLOs defined**';
  return result.pass ? `✅ **PASS**: ${n}/${n} SLOs met` : `❌ **FAIL**: ${failed} of ${n} SLOs failed`;
}

function sloSection(result: RunResult): string | undefined {
  if (result.slos.length === 0) return undefined;
  const rows = result.slos.map((v) => [
    v.pass ? '✅ pass' : '❌ fail',
    `\`${v.expr}\``,
    fmtSloValue(v.value, v.unit),
    v.reason ?? '',
  ]);
  return `### SLOs\n\n${mdTable(['', 'SLO', 'measured', 'note'], rows, 2, 3)}`;
}

/** One row per scope; the same columns serve requests, and later flows, steps and services. */
function scopeTable(title: string, byScope: Readonly<Record<string, ScopeMetrics>>, total?: ScopeMetrics): string {
  const row = (name: string, m: ScopeMetrics): string[] => [
    text(name),
    fmtCount(m.requests),
    fmtRate(m.rps),
    fmtPercent(m.errorRate),
    fmtCount(m.dropped),
    ...[m.latencyMs.p50, m.latencyMs.p90, m.latencyMs.p95, m.latencyMs.p99, m.latencyMs.max].map(fmtMs),
  ];
  const rows = Object.entries(byScope).map(([name, m]) => row(name, m));
  if (total !== undefined && rows.length !== 1) rows.push(row('**all**', total));
  const head = [title, 'count', 'rps', 'errors', 'dropped', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'];
  return `### ${title[0]?.toUpperCase()}${title.slice(1)}s\n\n${mdTable(head, rows)}`;
}

function errorsSection(result: RunResult): string | undefined {
  const kinds = ERROR_KINDS.filter((k) => result.errorsByKind[k] > 0);
  if (kinds.length === 0) return undefined;
  const samples = Object.entries(result.errorSamples)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  const list = samples.map(([msg, n]) => `- ${fmtCount(n)}× \`${msg.replace(/`/g, "'")}\``).join('\n');
  const table = mdTable(
    ['kind', 'count'],
    kinds.map((k) => [k, fmtCount(result.errorsByKind[k])]),
  );
  return `### Errors\n\n${table}${samples.length > 0 ? `\n\nFirst messages:\n\n${list}` : ''}`;
}

function notes(result: RunResult): string | undefined {
  const out: string[] = [];
  if (result.interrupted)
    out.push(`> ⚠️ The run was interrupted: partial result${fmtUnfinished(result.errorsByKind)}.`);
  if (result.abortedBy !== null) out.push(`> ⚠️ Aborted early: \`${result.abortedBy}\` had already failed.`);
  if (result.generator.saturated) {
    out.push(
      `> ⚠️ The load generator was saturated (${text(result.generator.reasons.join('; '))}): figures may measure the generator.`,
    );
  }
  for (const w of result.warnings ?? []) out.push(`> ⚠️ Output failed: ${text(w)}`);
  return out.length > 0 ? out.join('\n>\n') : undefined;
}

/** A Markdown summary for PR comments and CI step summaries. Pure. */
export function formatMarkdown(result: RunResult): string {
  const m = result.metrics;
  const h = headlineFigures(result);
  const headline =
    `${fmtCount(h.count)} ${h.noun} in ${(result.durationMs / 1000).toFixed(1)} s · ${fmtRate(h.rate)} ${h.rateUnit} · ` +
    `${fmtPercent(m.errorRate)} errors · p95 ${fmtMsUnit(m.latencyMs.p95)} · p99 ${fmtMsUnit(m.latencyMs.p99)}`;
  const blocks = [
    `## backend-bench: ${cell(text(result.scenario))}`,
    `${verdict(result)}  \n${headline}  \n<sub>target ${cell(text(result.target))} · ${result.model} model · run \`${result.runId}\` · ${result.startedAt}</sub>`,
    notes(result),
    sloSection(result),
    showsRequestTable(result) ? scopeTable('request', result.byRequest, result.metrics) : undefined,
    ...optionalTables(result).map(
      (t) =>
        `### ${t.title}\n\n${mdTable(
          t.head,
          t.rows.map((r) => r.map(text)),
        )}`,
    ),
    errorsSection(result),
  ];
  return `${blocks.filter((b) => b !== undefined).join('\n\n')}\n`;
}

export interface MarkdownOptions {
  file?: string;
  /** GitHub Actions' job summary file ($GITHUB_STEP_SUMMARY); the summary is appended to it. */
  stepSummary?: string;
}

export class MarkdownReporter implements Reporter {
  readonly name = 'markdown';
  constructor(private readonly options: MarkdownOptions) {}

  async onEnd(result: RunResult): Promise<void> {
    const text = formatMarkdown(result);
    if (this.options.file !== undefined) await writeReport(this.options.file, text);
    if (this.options.stepSummary !== undefined) await writeReport(this.options.stepSummary, `${text}\n`, 'append');
  }
}
