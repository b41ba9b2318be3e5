import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../result/run-result.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { headlineFigures } from './headline.js';
import { chartData, formatHtml } from './html.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { runResult as result, timeseriesPoint as point } from '../../test/support/result-fixtures.js';

const latency = { p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, mean: 1.5 };
const metrics = { requests: 100, rps: 10, errors: 0, errorRate: 0, dropped: 0, latencyMs: latency };
const verdict = (expr: string, pass: boolean): SloVerdict => ({
  expr,
  metric: 'p95',
  op: '<',
  threshold: 200,
  value: 3,
  unit: 'ms',
  samples: 100,
  pass,
});

interface Suite {
  '@_time': string;
  testcase: { '@_name': string; '@_time': string }[] | { '@_name': string; '@_time': string };
  'system-err'?: string;
}
const suiteOf = (xml: string): Suite =>
  (new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { testsuite: Suite } }).testsuites.testsuite;
const caseTimes = (s: Suite): string[] => [s.testcase].flat().map((c) => c['@_time']);

describe('JUnit case times', () => {
  it('are 0 for SLOs judged at the end, so CI adds up the run once (in the suite), not once per SLO', () => {
    const suite = suiteOf(formatJunit(result({ slos: [verdict('p95 < 200ms', true), verdict('p99 < 1s', true)] })));
    expect(suite['@_time']).toBe('30.000');
    expect(caseTimes(suite)).toEqual(['0.000', '0.000']);
  });

  it('give the SLO that aborted the run the time to its verdict', () => {
    const slos = [verdict('p95 < 200ms', true), verdict('error_rate < 1%', false)];
    const suite = suiteOf(formatJunit(result({ slos, abortedBy: 'error_rate < 1%', durationMs: 12_500 })));
    expect(caseTimes(suite)).toEqual(['0.000', '12.500']);
  });

  it('are 0 for the one case of a run without SLOs', () => {
    expect(caseTimes(suiteOf(formatJunit(result({}))))).toEqual(['0.000']);
  });

  it('list output failures with the other notes', () => {
    const suite = suiteOf(formatJunit(result({ warnings: ['otlp: export failed: ECONNREFUSED'] })));
    expect(suite['system-err']).toBe('output failed: otlp: export failed: ECONNREFUSED');
  });
});

describe('Markdown', () => {
  it('escapes a <tag> in user-named text (scenario, target, request names), and leaves code spans literal', () => {
    const md = formatMarkdown(
      result({
        scenario: 'checkout <script>alert(1)</script>',
        target: 'http://127.0.0.1:1/<b>',
        byRequest: { '<img src=x>': metrics, b: metrics },
        slos: [verdict('p95 < 200ms', true)],
      }),
    );
    expect(md).toContain('## backend-bench: checkout &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('target http://127.0.0.1:1/&lt;b&gt;');
    expect(md).toContain('| &lt;img src=x&gt; |');
    expect(md).toContain('`p95 < 200ms`');
    expect(md).not.toMatch(/<(script|img|b)\b/);
  });

  it('lists output failures with the other notes', () => {
    expect(formatMarkdown(result({ warnings: ['pushgateway: push failed: <html>'] }))).toContain(
      '> ⚠️ Output failed: pushgateway: push failed: &lt;html&gt;',
    );
  });
});

/** An event run as the reports read it: 2 s of publishing at 40/s, then 1 s of drain. */
function eventRun(): RunResult {
  const ep = (t: number, acked: number, consumed: number, lag: number | null) => ({
    t,
    attempted: acked,
    acked,
    consumed,
    failed: 0,
    publishP99: 2,
    e2eP50: 4,
    e2eP99: 9,
    lag,
    backlog: acked - consumed,
    timeLagMs: 0,
  });
  const events = {
    acked: 80,
    rates: { attempted: 40, acked: 40, consumed: 26.7 },
    timeseries: [ep(1, 40, 30, 10), ep(2, 40, 40, 10), ep(3, 0, 10, 0)],
    byQueue: {},
  };
  return result({
    metrics: { ...metrics, requests: 80, rps: 26.7 },
    durationMs: 3000,
    timeseries: [point(1, 40, 40), point(2, 40, 40), point(3, 0, 0)],
    events: events as unknown as RunResult['events'],
  });
}

describe('reports of an event run', () => {
  it('head with messages, at the rate the table counts (confirmed per second of publishing, not over the drain)', () => {
    expect(headlineFigures(eventRun())).toEqual({ count: 80, noun: 'messages published', rate: 40, rateUnit: 'msg/s' });
    const md = formatMarkdown(eventRun());
    expect(md).toContain('80 messages published in 3.0 s · 40.0 msg/s');
    expect(md).not.toContain('requests in');
    // The events table stands in for the request table: the queues' publishes are not listed as requests.
    expect(formatMarkdown({ ...eventRun(), byRequest: { orders: metrics } })).not.toContain('### Requests');
  });

  it('chart messages per second against the target, e2e latency, and lag', () => {
    const charts = chartData(eventRun()).charts;
    expect(charts.map((c) => [c.title, c.unit])).toEqual([
      ['Messages per second', 'messages / s'],
      ['Produce → consume latency (per second)', 'ms'],
      ['Lag', 'messages'],
    ]);
    expect(charts[0]?.series).toEqual([
      { label: 'confirmed msg/s', values: [40, 40, 0] },
      { label: 'consumed msg/s', values: [30, 40, 10] },
      { label: 'target msg/s', values: [40, 40, null] },
    ]);
    expect(charts[2]?.series[0]?.values).toEqual([10, 10, 0]);
  });
});

describe('reports of a flow run', () => {
  it('chart iterations per second against the iteration target, not step requests', () => {
    const flows = result({
      byFlow: {},
      timeseries: [point(1, 30, 10), point(2, 30, 10), point(3, 3, 0)],
      flowTimeseries: [
        { t: 1, iterations: 10, failed: 0 },
        { t: 2, iterations: 10, failed: 1 },
        { t: 3, iterations: 1, failed: 0 },
      ],
    });
    const [throughput, , failures] = chartData(flows).charts;
    expect(throughput?.title).toBe('Iterations per second');
    expect(throughput?.series).toEqual([
      { label: 'iterations / s', values: [10, 10, 1] },
      { label: 'target iterations / s', values: [10, 10, null] },
    ]);
    expect(failures?.series[0]).toEqual({ label: 'failed iterations', values: [0, 1, 0] });
  });
});

describe('HTML tables', () => {
  it('align every number right and only names, SLOs and notes left', () => {
    const html = formatHtml(result({ byRequest: { a: metrics, b: metrics }, slos: [verdict('p95 < 200ms', true)] }), {
      css: '',
      script: '',
    });
    expect(html).toContain('<th class="text">request</th><th>count</th><th>rps</th>');
    expect(html).toContain('<td class="text">a</td><td>100</td><td>10.0</td>');
    expect(html).toContain(
      '<th class="text"></th><th class="text">SLO</th><th>measured</th><th class="text">note</th>',
    );
    expect(html).not.toMatch(/nth-child\(2\)\{text-align:left/);
  });
});

/** Each Markdown table of a report: its alignment row and its body rows, cell by cell. */
function markdownTables(md: string): { align: string[]; rows: string[][] }[] {
  const cells = (line: string): string[] => line.slice(2, -2).split(' | ');
  return md
    .split(/\n(?!\|)/)
    .map((block) => block.split('\n').filter((l) => l.startsWith('| ')))
    .filter((lines) => lines.length > 2)
    .map(([, align = '', ...rows]) => ({ align: cells(align), rows: rows.map(cells) }));
}

/** A figure as the reports print it: a count, a rate, a percentage or a time with its unit. */
const isFigure = (cell: string): boolean => /^(\*\*)?[\d,.]+(\*\*)?( ?(ms|s|%|pp))?$/.test(cell.trim());

describe('Markdown tables', () => {
  it('align every column of figures right, names and notes left', () => {
    const run = result({
      byRequest: { a: metrics, b: metrics },
      errorsByKind: { timeout: 3 } as unknown as RunResult['errorsByKind'],
      slos: [verdict('p95 < 200ms', true)],
    });
    const tables = markdownTables(formatMarkdown(run));
    expect(tables.map((t) => t.rows.length)).toEqual([1, 3, 1]); // SLOs; a, b and all; errors
    for (const { align, rows } of tables) {
      align.forEach((a, col) => {
        const column = rows.map((r) => r[col] ?? '');
        const figures = column.every((c) => isFigure(c) || c.trim() === '' || c.trim() === 'n/a');
        if (column.some(isFigure) && figures) expect(a, `column ${col} of ${JSON.stringify(rows[0])}`).toBe('---:');
        else expect(a, `column ${col} of ${JSON.stringify(rows[0])}`).toBe(':---');
      });
    }
  });
});

describe('HTML escaping', () => {
  it('escapes a <tag> in the scenario name, the target and request names', () => {
    const html = formatHtml(
      result({
        scenario: 'checkout <script>alert(1)</script>',
        target: 'http://127.0.0.1:1/<b>',
        byRequest: { '<img src=x>': metrics },
        slos: [verdict('p95 < 200ms', true)],
      }),
      { css: '', script: '' },
    );
    expect(html).toContain('<title>backend-bench: checkout &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>backend-bench: checkout &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('http://127.0.0.1:1/&lt;b&gt;');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).not.toMatch(/<(img|b)\b|<script>alert/);
  });
});

describe('a run that could not be carried out (failure)', () => {
  const failure = 'the broker redis://127.0.0.1:1 was lost and never came back (2 connections of orders still down)';
  const failed = result({ pass: false, failure, slos: [verdict('lost = 0', true)] });

  it('is an errored JUnit case beside the SLOs, whose verdicts stand', () => {
    const xml = formatJunit(failed);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { '@_errors': string; testsuite: { '@_errors': string; testcase: Record<string, unknown>[] } };
    };
    expect(doc.testsuites['@_errors']).toBe('1');
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c) => c['@_name'])).toEqual(['lost = 0', 'run completed']);
    expect(cases[1]?.error).toMatchObject({ '@_message': failure, '@_type': 'RunFailed' });
  });

  it('is the verdict of the Markdown and HTML reports, not "PASS" for SLOs that held', () => {
    expect(formatMarkdown(failed)).toContain(`❌ **FAIL**: the run could not be completed: ${failure}`);
    expect(formatMarkdown(failed)).not.toContain('PASS');
    const html = formatHtml(failed, { css: '', script: '' });
    expect(html).toContain('FAIL: the run could not be completed: the broker redis://127.0.0.1:1 was lost');
  });
});
