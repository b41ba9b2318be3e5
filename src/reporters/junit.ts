import { XMLBuilder } from 'fast-xml-parser';
import type { RunResult } from '../result/run-result.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { fmtSloValue, fmtUnfinished } from './format.js';
import type { Reporter } from './reporter.js';
import { writeReport } from './write-report.js';

type XmlNode = Record<string, unknown>;

/** "p95 = 312 ms, budget p95 < 200ms": what a CI failure list shows first. */
export function verdictMessage(v: SloVerdict): string {
  if (v.value === null) return `${v.expr}: not measured (${v.reason ?? 'no value'})`;
  return `${v.metric} = ${fmtSloValue(v.value, v.unit)}, budget ${v.expr}`;
}

function testcase(v: SloVerdict, classname: string, seconds: string): XmlNode {
  const node: XmlNode = { '@_classname': classname, '@_name': v.expr, '@_time': seconds };
  if (!v.pass) {
    const detail = [
      `measured: ${fmtSloValue(v.value, v.unit)}`,
      `budget:   ${v.expr}`,
      `samples:  ${v.samples}`,
      ...(v.reason === undefined ? [] : [`reason:   ${v.reason}`]),
    ].join('\n');
    node.failure = { '@_message': verdictMessage(v), '@_type': 'SloFailed', '#text': detail };
  }
  return node;
}

/**
 * A case's time is the time to its verdict, not the run's: CI systems (GitLab) add up case times, so giving every
 * SLO the whole run would report several times its length. SLOs are judged at the end, on the whole run, so their
 * time is 0; the one whose early abort ended the run took the run's length to fail.
 */
function secondsToVerdict(v: SloVerdict, result: RunResult): string {
  return (v.expr === result.abortedBy ? result.durationMs / 1000 : 0).toFixed(3);
}

function notes(result: RunResult): string[] {
  const out: string[] = [];
  if (result.interrupted) out.push(`run interrupted: partial result${fmtUnfinished(result.errorsByKind)}`);
  if (result.failure !== undefined) out.push(`run failed: ${result.failure}`);
  if (result.abortedBy !== null) out.push(`aborted early: ${result.abortedBy} already failed`);
  if (result.generator.saturated) out.push(`load generator saturated: ${result.generator.reasons.join('; ')}`);
  for (const w of result.warnings ?? []) out.push(`output failed: ${w}`);
  return out;
}

/**
 * JUnit XML, one test case per SLO (a breached SLO is a failure giving the measured value and the budget).
 * A run without SLOs is one passing case, so CI still shows that the run happened.
 */
export function formatJunit(result: RunResult): string {
  const seconds = (result.durationMs / 1000).toFixed(3);
  const classname = `backend-bench.${result.scenario}`;
  const failures = result.slos.filter((v) => !v.pass).length;
  const sloCases =
    result.slos.length > 0
      ? result.slos.map((v) => testcase(v, classname, secondsToVerdict(v, result)))
      : [{ '@_classname': classname, '@_name': 'run completed (no SLOs defined)', '@_time': '0.000' }];
  // A run that could not be carried out is an error of its own, beside whatever the SLOs made of its figures.
  const cases =
    result.failure === undefined
      ? sloCases
      : [
          ...sloCases,
          {
            '@_classname': classname,
            '@_name': 'run completed',
            '@_time': seconds,
            error: { '@_message': result.failure, '@_type': 'RunFailed', '#text': result.failure },
          },
        ];
  const errors = result.failure === undefined ? 0 : 1;
  const m = result.metrics;
  const summary =
    `${m.requests} requests, ${m.rps} rps, ${m.errors} errors (${(m.errorRate * 100).toFixed(2)}%), ` +
    `p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms`;
  const properties = {
    property: [
      { '@_name': 'run_id', '@_value': result.runId },
      { '@_name': 'target', '@_value': result.target },
      { '@_name': 'model', '@_value': result.model },
      { '@_name': 'tool_version', '@_value': result.tool.version },
    ],
  };
  const suite: XmlNode = {
    '@_name': result.scenario,
    '@_tests': cases.length,
    '@_failures': failures,
    '@_errors': errors,
    '@_skipped': 0,
    '@_time': seconds,
    '@_timestamp': result.startedAt.replace(/\.\d+Z$/, ''),
    properties,
    testcase: cases,
    'system-out': summary,
  };
  const warnings = notes(result);
  if (warnings.length > 0) suite['system-err'] = warnings.join('\n');
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'backend-bench',
      '@_tests': cases.length,
      '@_failures': failures,
      '@_errors': errors,
      '@_time': seconds,
      testsuite: suite,
    },
  };
  return `${new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(doc)}`;
}

export class JunitReporter implements Reporter {
  readonly name = 'junit';
  constructor(private readonly file: string) {}

  async onEnd(result: RunResult): Promise<void> {
    await writeReport(this.file, formatJunit(result));
  }
}
