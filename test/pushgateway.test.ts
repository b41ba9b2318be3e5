import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { type Daemon, startPushgateway } from './support/daemons.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

/** Lines of a Pushgateway's /metrics for one run, as "name{labels} value". */
async function pushedLines(gw: Daemon, runId: string): Promise<string[]> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('backend_bench_') && l.includes(`run_id="${runId}"`));
}

const valueOf = (lines: string[], prefix: string, ...has: string[]): number => {
  const found = lines.find((l) => l.startsWith(prefix) && has.every((h) => l.includes(h)));
  if (found === undefined) throw new Error(`no ${prefix} ${has.join(' ')} in\n${lines.join('\n')}`);
  return Number(found.slice(found.lastIndexOf(' ') + 1));
};

describe('Pushgateway receives the end-of-run summary', () => {
  let server: TestServer;
  let gw: Daemon;
  beforeAll(async () => {
    server = await startServer(fixedDelay(5));
    gw = await startPushgateway();
  });
  afterAll(async () => {
    await gw?.stop();
    await server?.close();
  });

  it('pushes totals, histograms and SLO verdicts grouped by run_id, and deletes them on request', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      `${server.url}/p`,
      '--rate',
      '50',
      '--duration',
      '3s',
      '--slo',
      'p95 < 1s',
      '--slo',
      'rps > 100000',
      '--pushgateway',
      gw.url,
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const r = readResult(out);
    expect(run.stderr).toContain(`pushgateway: pushed run ${r.runId}`);
    const lines = await pushedLines(gw, r.runId);
    expect(lines.every((l) => l.includes('job="backend_bench"'))).toBe(true);
    expect(valueOf(lines, 'backend_bench_requests_total', 'request="GET /p"')).toBe(r.metrics.requests);
    expect(valueOf(lines, 'backend_bench_request_duration_seconds_count', 'request="GET /p"')).toBe(r.metrics.requests);
    expect(valueOf(lines, 'backend_bench_slo_pass', 'slo="p95 < 1000ms"')).toBe(1);
    expect(valueOf(lines, 'backend_bench_slo_pass', 'slo="rps > 100000"')).toBe(0);
    expect(valueOf(lines, 'backend_bench_slo_value', 'slo="rps > 100000"')).toBeCloseTo(r.metrics.rps, 1);
    expect(valueOf(lines, 'backend_bench_run_passed')).toBe(0);
    expect(valueOf(lines, 'backend_bench_run_duration_seconds')).toBeCloseTo(r.durationMs / 1000, 2);

    const del = await runCli(['pushgateway-delete', gw.url, r.runId]);
    expect(del.code, del.stderr).toBe(0);
    expect(await pushedLines(gw, r.runId)).toEqual([]);
  });

  it('a flow run pushes per-flow and per-service series from its exact histograms; Markdown has the flow tables', async () => {
    const dir = tempDir();
    const run = await runCli(
      [
        'run',
        'scenarios/microservices.yaml',
        '--rate',
        '10',
        '--duration',
        '3s',
        '--slo',
        'error_rate < 50%',
        '--pushgateway',
        gw.url,
        '--out',
        join(dir, 'r.json'),
        '--markdown',
        join(dir, 's.md'),
        '-q',
      ],
      { timeoutMs: 45_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const r = readResult(join(dir, 'r.json'));
    const lines = await pushedLines(gw, r.runId);
    for (const [flow, m] of Object.entries(r.byFlow ?? {})) {
      expect(valueOf(lines, 'backend_bench_flow_iterations_total', `flow="${flow}"`)).toBe(m.requests);
      expect(valueOf(lines, 'backend_bench_flow_duration_seconds_count', `flow="${flow}"`)).toBe(m.requests);
    }
    expect(Object.keys(r.byService ?? {}).length).toBeGreaterThan(1);
    for (const [service, m] of Object.entries(r.byService ?? {})) {
      expect(valueOf(lines, 'backend_bench_service_requests_total', `service="${service}"`)).toBe(m.requests);
    }
    const md = readFileSync(join(dir, 's.md'), 'utf8');
    for (const title of ['### Flows (iterations)', '### Steps', '### Services']) expect(md).toContain(title);
  });

  it('a Pushgateway that is down is reported without changing the verdict', async () => {
    const run = await runCli([
      'run',
      '--url',
      server.url,
      '--rate',
      '20',
      '--duration',
      '1s',
      '--pushgateway',
      'http://127.0.0.1:9',
      '-q',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/pushgateway: push to http:\/\/127\.0\.0\.1:9 failed/);
  });
});
