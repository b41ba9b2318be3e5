import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

interface JunitCase {
  '@_name': string;
  failure?: { '@_message': string; '#text': string };
}

/** One run with one SLO met and one breached, reported every CI way at once. */
describe('CI outputs: JUnit, Markdown (+ step summary), HTML, and report re-rendering', () => {
  let server: TestServer;
  let dir: string;
  let code: number | null;
  let stderr: string;
  beforeAll(async () => {
    server = await startServer(fixedDelay(5));
    dir = tempDir();
    writeFileSync(join(dir, 'summary.md'), '# earlier step\n');
    const run = await runCli(
      [
        'run',
        '--url',
        `${server.url}/api`,
        '--rate',
        '40',
        '--duration',
        '4s',
        '--slo',
        'p95 < 1ms',
        '--slo',
        'error_rate < 5%',
        '--junit',
        join(dir, 'junit.xml'),
        '--markdown',
        join(dir, 'summary-out.md'),
        '--html',
        join(dir, 'report.html'),
        '--out',
        join(dir, 'r.json'),
        '-q',
      ],
      { env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } },
    );
    code = run.code;
    stderr = run.stderr;
  }, 60_000);
  afterAll(async () => server?.close());

  it('exits 1 (an SLO failed) and writes every file', () => {
    expect(code, stderr).toBe(1);
  });

  it('JUnit: well-formed XML, one test case per SLO, the breach a failure with measured value and budget', () => {
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { '@_tests': string; '@_failures': string; testsuite: { testcase: JunitCase[]; '@_name': string } };
    };
    expect(doc.testsuites['@_tests']).toBe('2');
    expect(doc.testsuites['@_failures']).toBe('1');
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c) => c['@_name'])).toEqual(['p95 < 1ms', 'error_rate < 5%']);
    const r = readResult(join(dir, 'r.json'));
    const failure = cases[0]?.failure;
    expect(failure?.['@_message']).toMatch(/^p95 = [\d.]+ ms, budget p95 < 1ms$/);
    expect(failure?.['#text']).toContain(`samples:  ${r.metrics.requests}`);
    expect(cases[1]?.failure).toBeUndefined();
  });

  it('Markdown: verdict, SLO table and request table; also appended to $GITHUB_STEP_SUMMARY', () => {
    const md = readFileSync(join(dir, 'summary-out.md'), 'utf8');
    expect(md).toContain('❌ **FAIL**: 1 of 2 SLOs failed');
    expect(md).toMatch(/\| ❌ fail \| `p95 < 1ms` \| [\d.]+ ms \|/);
    expect(md).toContain('| GET /api |');
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary).toContain(md);
  });

  it('report re-renders the saved result to the same Markdown and JUnit', async () => {
    for (const [format, file] of [
      ['md', 'summary-out.md'],
      ['junit', 'junit.xml'],
    ] as const) {
      const rendered = await runCli(['report', join(dir, 'r.json'), '--format', format]);
      expect(rendered.code, rendered.stderr).toBe(0);
      expect(rendered.stdout).toBe(readFileSync(join(dir, file), 'utf8'));
    }
    const html = await runCli(['report', join(dir, 'r.json'), '--format', 'html', '--out', join(dir, 'again.html')]);
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(readFileSync(join(dir, 'report.html'), 'utf8'));
    const bad = await runCli(['report', join(dir, 'junit.xml'), '--format', 'md']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('junit.xml: not JSON');
  });

  it('report --format takes the one name per format (markdown, json), and md still works with a deprecation warning', async () => {
    const markdown = await runCli(['report', join(dir, 'r.json'), '--format', 'markdown']);
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout).toBe(readFileSync(join(dir, 'summary-out.md'), 'utf8'));
    expect(markdown.stderr).toBe('');
    const md = await runCli(['report', join(dir, 'r.json'), '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toBe(markdown.stdout);
    expect(md.stderr).toBe('backend-bench: --format md is deprecated; use --format markdown\n');
    const json = await runCli(['report', join(dir, 'r.json'), '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(readFileSync(join(dir, 'r.json'), 'utf8'));
    const bad = await runCli(['report', join(dir, 'r.json'), '--format', 'prometheus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are json, junit, markdown, html.');
    const help = await runCli(['report', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(choices: "json", "junit", "markdown", "html")');
  });

  it('HTML: opens offline in headless Chromium and draws its three charts, with no console errors', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
      await page.goto(`file://${join(dir, 'report.html')}`);
      await page.waitForSelector('body[data-charts="3"]', { timeout: 10_000 });
      // Each chart canvas has drawn lines: many non-background pixels.
      // A string expression: the test is compiled without DOM types, the page runs it as is.
      const inked = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      })`)) as number[];
      expect(inked.length).toBe(3);
      for (const n of inked) expect(n).toBeGreaterThan(500);
      expect(await page.textContent('body')).toContain('p95 < 1ms');
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('HTML of an event run: charts messages per second, e2e latency and lag, headed in messages', async () => {
    const events = join(dir, 'events.html');
    const run = await runCli(['run', 'scenarios/events-demo.yaml', '--duration', '2s', '--html', events, '-q'], {
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      await page.goto(`file://${events}`);
      await page.waitForSelector('body[data-charts="3"]', { timeout: 10_000 });
      const titles = (await page.evaluate(
        `[...document.querySelectorAll('.u-title')].map((e) => e.textContent)`,
      )) as string[];
      expect(titles).toEqual(['Messages per second', 'Produce → consume latency (per second)', 'Lag']);
      const body = (await page.textContent('body')) ?? '';
      expect(body).toContain('messages published');
      expect(body).not.toContain('Requests (latency in ms)');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
