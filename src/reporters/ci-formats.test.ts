import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { emptyErrorCounts } from '../metrics/error-kinds.js';
import type { RunResult } from '../result/run-result.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';

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

function result(overrides: Partial<RunResult>): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'backend-bench', version: '0.0.0' },
    runId: 'r1',
    scenario: 's',
    target: 'http://127.0.0.1:1/',
    model: 'open',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 30_000,
    interrupted: false,
    abortedBy: null,
    pass: true,
    metrics,
    byRequest: {},
    errorsByKind: emptyErrorCounts(),
    errorSamples: {},
    sendDelayMs: latency,
    slos: [],
    generator: {
      saturated: false,
      reasons: [],
      eventLoopDelayP99Ms: 1,
      eventLoopDelayMaxMs: 1,
      cpuPercent: 1,
      sendDelayP99Ms: 1,
    },
    histograms: { total: '', byRequest: {} },
    timeseries: [],
    ...overrides,
  };
}

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
