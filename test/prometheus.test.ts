import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_ROW } from '../scripts/dashboards/boards.js';
import { m, runsNewestFirst } from '../scripts/dashboards/panels.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { type Daemon, freePort, startPrometheus } from './support/daemons.js';
import { type DashboardQuery, dashboardQueries } from './support/dashboards.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

interface RangeResponse {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

async function promQuery(prom: Daemon, path: string, params: Record<string, string>): Promise<RangeResponse> {
  const res = await fetch(`${prom.url}${path}?${new URLSearchParams(params).toString()}`);
  return (await res.json()) as RangeResponse;
}

/** Grafana's template variables, as Grafana would expand them for one run at a 1 s scrape interval. */
const expand = (expr: string, runId: string): string =>
  expr.replaceAll('$run_id', runId).replaceAll('$__rate_interval', '4s').replaceAll('$__interval', '1s');

/** The queries (as Grafana sends them) that return no finite value for the run over [start, end]. */
async function panelsWithoutData(
  prom: Daemon,
  queries: readonly DashboardQuery[],
  runId: string,
  start: number,
  end: number,
): Promise<string[]> {
  const empty: string[] = [];
  for (const q of queries) {
    const expr = expand(q.expr, runId);
    const r = await promQuery(prom, '/api/v1/query_range', {
      query: expr,
      start: String(start),
      end: String(end),
      step: '1',
    });
    expect(r.status, `${q.panel} ${q.refId}: ${r.error ?? ''}\n${expr}`).toBe('success');
    const values = (r.data?.result ?? []).flatMap((s) => s.values.map(([, v]) => Number(v)));
    if (!values.some((v) => Number.isFinite(v))) empty.push(`"${q.panel}" ${q.refId}: ${expr}`);
  }
  return empty;
}

/**
 * The whole path users rely on: a real Prometheus (started here, scraping every second) scrapes a real run's
 * /metrics; then every query of the overview dashboard, as Grafana would send it, returns data for that run.
 */
describe('Prometheus scrapes a live run and the overview dashboard has data', () => {
  let server: TestServer;
  let prom: Daemon;
  let metricsPort: number;
  let runId = '';
  let start = 0;
  let end = 0;
  let requests = 0;

  beforeAll(async () => {
    server = await startServer(fixedDelay(5));
    metricsPort = await freePort();
    prom = await startPrometheus([`127.0.0.1:${metricsPort}`]);
    const out = join(tempDir(), 'r.json');
    start = Date.now() / 1000;
    const run = await runCli(
      [
        'run',
        '--url',
        `${server.url}/items`,
        '--rate',
        '40',
        '--duration',
        '8s',
        '--slo',
        'p95 < 1s',
        '--slo',
        'error_rate < 1%',
        // One SLO of each kind: each kind has its own panel (one unit per axis).
        '--slo',
        'rps > 1',
        '--slo',
        'requests > 1',
        '--prometheus',
        `127.0.0.1:${metricsPort}`,
        '--linger',
        '3s',
        '--out',
        out,
      ],
      { timeoutMs: 40_000 },
    );
    end = Date.now() / 1000;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`metrics at http://127.0.0.1:${metricsPort}/metrics`);
    const result = readResult(out);
    runId = result.runId;
    requests = result.metrics.requests;
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await server?.close();
  });

  it('has the run’s final counter values (the linger let the last scrape in)', async () => {
    // last_over_time: once the tool has exited, Prometheus marks its series stale at the next failed scrape, which
    // may come before `end` on a busy machine; the last value scraped is what must equal the result.
    const r = await promQuery(prom, '/api/v1/query', {
      query: `last_over_time(backend_bench_requests_total{run_id="${runId}"}[1m])`,
      time: String(end),
    });
    expect(r.status, r.error).toBe('success');
    const value = Number(
      r.data?.result[0]?.values?.[0]?.[1] ?? (r.data?.result[0] as unknown as { value: [number, string] })?.value[1],
    );
    expect(value).toBe(requests);
  });

  it('answers every overview panel query with data for the run (but the flow row, which flow runs fill)', async () => {
    const queries = dashboardQueries().filter((q) => q.board === 'overview.json' && q.row !== FLOW_ROW);
    expect(queries.length).toBeGreaterThan(15);
    expect(await panelsWithoutData(prom, queries, runId, start, end)).toEqual([]);
  });

  it('the run variable’s query (Grafana’s query_result around it) lists this run, the latest first', async () => {
    const inner = /^query_result\((.*)\)$/.exec(runsNewestFirst(m('runInfo')))?.[1] ?? '';
    const r = await promQuery(prom, '/api/v1/query', { query: inner.replaceAll('$__range', '5m'), time: String(end) });
    expect(r.status, r.error).toBe('success');
    const runs = (r.data?.result ?? []).map((x) => x.metric.run_id);
    expect(runs[0]).toBe(runId);
  });

  it('labels series with the run id and request name, never the URL', async () => {
    const r = await promQuery(prom, '/api/v1/series', {
      'match[]': `{run_id="${runId}"}`,
      start: String(start),
      end: String(end),
    });
    expect(r.status).toBe('success');
    const series = r.data as unknown as Record<string, string>[];
    expect(series.length).toBeGreaterThan(10);
    const requestLabels = new Set(series.map((s) => s.request).filter((x) => x !== undefined));
    expect([...requestLabels]).toEqual(['GET /items']);
    for (const s of series)
      for (const v of Object.values(s)) expect(v).not.toContain('127.0.0.1:' + String(server.port));
  });
});

/** The events board against a real event run (Redis Streams on 127.0.0.1:6379, as the project's machines have). */
describe('Prometheus scrapes an event run and the events dashboard has data', () => {
  let prom: Daemon;
  let runId = '';
  let start = 0;
  let end = 0;

  beforeAll(async () => {
    const metricsPort = await freePort();
    prom = await startPrometheus([`127.0.0.1:${metricsPort}`]);
    const out = join(tempDir(), 'r.json');
    start = Date.now() / 1000;
    const run = await runCli(
      [
        'run',
        'scenarios/events-redis.yaml',
        '--rate',
        '100',
        '--duration',
        '6s',
        '--slo',
        'lost = 0',
        '--prometheus',
        `127.0.0.1:${metricsPort}`,
        '--linger',
        '3s',
        '--out',
        out,
        '-q',
      ],
      { timeoutMs: 60_000 },
    );
    end = Date.now() / 1000;
    expect(run.code, run.stderr).toBe(0);
    runId = readResult(out).runId;
  }, 90_000);

  afterAll(async () => prom?.stop());

  it('answers every events panel query with data for the run', async () => {
    const queries = dashboardQueries().filter((q) => q.board === 'events.json');
    expect(queries.length).toBeGreaterThan(10);
    expect(await panelsWithoutData(prom, queries, runId, start, end)).toEqual([]);
  });

  it('counts every consumed message of the run, by queue', async () => {
    const r = await promQuery(prom, '/api/v1/query', {
      query: `backend_bench_messages_consumed_total{run_id="${runId}",queue="orders"}`,
      time: String(end),
    });
    const value = Number((r.data?.result[0] as unknown as { value: [number, string] } | undefined)?.value[1]);
    expect(value).toBeGreaterThanOrEqual(550);
    expect(value).toBeLessThanOrEqual(601);
  });
});

/** A flow run across the embedded microservices (four processes on loopback): flows, steps and services, live. */
describe('Prometheus scrapes a flow run and the overview dashboard has data, flow row included', () => {
  let prom: Daemon;
  let result: ReturnType<typeof readResult>;
  let start = 0;
  let end = 0;

  beforeAll(async () => {
    const metricsPort = await freePort();
    prom = await startPrometheus([`127.0.0.1:${metricsPort}`]);
    const out = join(tempDir(), 'r.json');
    start = Date.now() / 1000;
    const run = await runCli(
      [
        'run',
        'scenarios/microservices.yaml',
        '--rate',
        '10',
        '--duration',
        '6s',
        // One SLO of each kind, so every SLO panel (latency, ratios, rates, counts) has a series to show.
        ...['flow:checkout p95 < 800ms', 'error_rate < 1%', 'rps >= 1', 'errors < 1000'].flatMap((e) => ['--slo', e]),
        '--prometheus',
        `127.0.0.1:${metricsPort}`,
        '--linger',
        '3s',
        '--out',
        out,
        '-q',
      ],
      { timeoutMs: 60_000 },
    );
    end = Date.now() / 1000;
    expect(run.code, run.stderr).toBe(0);
    result = readResult(out);
  }, 90_000);

  afterAll(async () => prom?.stop());

  it('answers every overview panel query with data for the run', async () => {
    const queries = dashboardQueries().filter((q) => q.board === 'overview.json');
    expect(queries.filter((q) => q.row === FLOW_ROW).length).toBeGreaterThanOrEqual(7);
    expect(await panelsWithoutData(prom, queries, result.runId, start, end)).toEqual([]);
  });

  it('exports flows, services and steps while the run goes, and ends on the result’s totals', async () => {
    const at = async (query: string, time: number): Promise<Map<string, number>> => {
      const r = await promQuery(prom, '/api/v1/query', { query, time: String(time) });
      expect(r.status, r.error).toBe('success');
      const rows = (r.data?.result ?? []) as unknown as { metric: Record<string, string>; value: [number, string] }[];
      return new Map(
        rows.map((row) => [row.metric.flow ?? row.metric.service ?? row.metric.step ?? '', Number(row.value[1])]),
      );
    };
    const run = `run_id="${result.runId}"`;
    // Mid-run, by the run's own clock (the demo's services start first): iterations already counted.
    const elapsed = await promQuery(prom, '/api/v1/query_range', {
      query: `backend_bench_run_elapsed_seconds{${run}}`,
      start: String(start),
      end: String(end),
      step: '1',
    });
    const mid = elapsed.data?.result[0]?.values.find(([, v]) => Number(v) >= 3 && Number(v) < 5.5)?.[0];
    expect(mid, 'a scrape 3–5.5 s into the run').toBeDefined();
    const midway = await at(`backend_bench_flow_iterations_total{${run}}`, Number(mid));
    expect(midway.get('checkout') ?? 0).toBeGreaterThan(0);
    const flows = await at(`backend_bench_flow_iterations_total{${run}}`, end);
    for (const [flow, m] of Object.entries(result.byFlow ?? {})) expect(flows.get(flow), flow).toBe(m.requests);
    expect(midway.get('checkout')).toBeLessThan(flows.get('checkout') ?? 0);
    const services = await at(`backend_bench_service_request_duration_seconds_count{${run}}`, end);
    for (const [service, m] of Object.entries(result.byService ?? {}))
      expect(services.get(service), service).toBe(m.requests);
    const steps = await at(`sum by (step) (backend_bench_step_duration_seconds_count{${run}})`, end);
    for (const [step, m] of Object.entries(result.byStep ?? {})) expect(steps.get(step), step).toBe(m.requests);
    const placeOrder = await promQuery(prom, '/api/v1/series', {
      'match[]': `backend_bench_step_duration_seconds_count{${run},step="place-order"}`,
    });
    expect((placeOrder.data as unknown as Record<string, string>[])[0]).toMatchObject({
      flow: 'checkout',
      service: 'gateway',
    });
  });
});
