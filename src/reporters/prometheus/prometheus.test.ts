import { describe, expect, it } from 'vitest';
import { createHistogram, recordMs } from '../../metrics/histogram.js';
import { emptyErrorCounts } from '../../metrics/error-kinds.js';
import { IntervalRecorder, type IntervalSnapshot, type ScopeCounts } from '../../metrics/interval-recorder.js';
import type { LiveUpdate } from '../reporter.js';
import { PrometheusReporter } from './prometheus.js';

function scope(requests: number, errors: number, latenciesMs: number[]): ScopeCounts {
  const latency = createHistogram();
  for (const ms of latenciesMs) recordMs(latency, ms);
  return { requests, errors, dropped: 0, latency };
}

function update(elapsedMs: number, scopes: Record<string, ScopeCounts>): LiveUpdate {
  const all = Object.values(scopes);
  const total = scope(
    all.reduce((a, s) => a + s.requests, 0),
    all.reduce((a, s) => a + s.errors, 0),
    [],
  );
  const errorsByKind = { ...emptyErrorCounts(), status: total.errors };
  const interval: IntervalSnapshot = {
    elapsedMs,
    total,
    scopes: new Map(Object.entries(scopes)),
    errorsByKind,
    sendDelay: createHistogram(),
    inFlight: 3,
    errorSamples: new Map(),
    targetRate: 100,
  } as IntervalSnapshot;
  const point = {
    t: 1,
    requests: total.requests,
    errors: total.errors,
    dropped: 0,
    rps: total.requests,
    p50: 0,
    p95: 0,
    p99: 0,
    inFlight: 3,
    targetRate: 100,
  };
  return {
    elapsedMs,
    durationMs: 10_000,
    point,
    totalRequests: 0,
    totalErrors: 0,
    totalDropped: 0,
    interval,
    generator: { eventLoopDelayP99Ms: 12, cpuPercent: 40, saturated: false },
  } as LiveUpdate;
}

const line = (text: string, prefix: string): number => {
  const found = text.split('\n').find((l) => l.startsWith(prefix));
  if (found === undefined) throw new Error(`no line starting ${prefix}\n${text}`);
  return Number(found.slice(found.lastIndexOf(' ') + 1));
};

describe('Prometheus exposition of a run', () => {
  it('accumulates counters and OTel-bucketed histograms across intervals, labelled by run and request', async () => {
    const r = await PrometheusReporter.create({ lingerMs: 0, log: () => undefined, warn: () => undefined });
    r.onStart({
      runId: 'r1',
      scenario: 'shop',
      target: 't',
      model: 'open',
      durationMs: 10_000,
      requests: ['list', 'buy'],
      sloCount: 0,
    });
    r.onInterval(update(1000, { list: scope(3, 0, [3, 20, 40]), buy: scope(2, 1, [200, 3000]) }));
    r.onInterval(update(2000, { list: scope(1, 0, [7]), buy: scope(0, 0, []) }));
    const text = await r.registry.metrics();
    const L = (extra: string): string => `{run_id="r1",scenario="shop"${extra}}`;
    expect(line(text, `backend_bench_requests_total${L(',request="list"')}`)).toBe(4);
    expect(line(text, `backend_bench_request_errors_total${L(',request="buy"')}`)).toBe(1);
    expect(line(text, `backend_bench_errors_total${L(',kind="status"')}`)).toBe(1);
    expect(line(text, `backend_bench_errors_total${L(',kind="timeout"')}`)).toBe(0);
    const bucket = (req: string, le: string): number =>
      line(
        text,
        `backend_bench_request_duration_seconds_bucket{run_id="r1",scenario="shop",request="${req}",le="${le}"}`,
      );
    expect(bucket('list', '0.005')).toBe(1);
    expect(bucket('list', '0.01')).toBe(2);
    expect(bucket('list', '0.05')).toBe(4);
    expect(bucket('buy', '0.25')).toBe(1);
    expect(bucket('buy', '2.5')).toBe(1);
    expect(bucket('buy', '5')).toBe(2);
    expect(bucket('buy', '+Inf')).toBe(2);
    expect(line(text, `backend_bench_request_duration_seconds_count${L(',request="list"')}`)).toBe(4);
    expect(line(text, `backend_bench_request_duration_seconds_sum${L(',request="buy"')}`)).toBeCloseTo(3.2, 2);
    expect(line(text, `backend_bench_requests_in_flight${L('')}`)).toBe(3);
    expect(line(text, `backend_bench_target_rate_per_second${L('')}`)).toBe(100);
    expect(line(text, `backend_bench_generator_cpu_ratio${L('')}`)).toBeCloseTo(0.4);
    await r.close();
  });

  it('counts responses by status code across intervals; failures without a response are not responses', async () => {
    const r = await PrometheusReporter.create({ lingerMs: 0, log: () => undefined, warn: () => undefined });
    r.onStart({
      runId: 'r3',
      scenario: 's',
      target: 't',
      model: 'open',
      durationMs: 2000,
      requests: ['get'],
      sloCount: 0,
    });
    const recorder = new IntervalRecorder(['get']);
    const publish = (elapsedMs: number): void =>
      recorder.flush(elapsedMs, (interval) => r.onInterval({ ...update(elapsedMs, {}), interval }));
    for (let i = 0; i < 10; i++) recorder.request(0, 5, undefined, 200);
    for (let i = 0; i < 3; i++) recorder.request(0, 40, 'status', 503);
    recorder.request(0, 6, 'check', 200);
    recorder.request(0, undefined, 'connect_refused', 0);
    publish(1000);
    recorder.request(0, 5, undefined, 200);
    publish(2000);
    const text = await r.registry.metrics();
    const code = (c: string): number =>
      line(text, `backend_bench_responses_total{run_id="r3",scenario="s",request="get",code="${c}"}`);
    expect(code('200')).toBe(12);
    expect(code('503')).toBe(3);
    expect(text).not.toContain('code="0"');
    expect(line(text, 'backend_bench_requests_total{run_id="r3",scenario="s",request="get"}')).toBe(16);
    expect(line(text, 'backend_bench_request_duration_seconds_count{run_id="r3",scenario="s",request="get"}')).toBe(15);
    await r.close();
  });

  it('exports each SLO as pass 1/0 with measured value and budget in base units', async () => {
    const r = await PrometheusReporter.create({ lingerMs: 0, log: () => undefined, warn: () => undefined });
    r.onStart({
      runId: 'r2',
      scenario: 's',
      target: 't',
      model: 'closed',
      durationMs: 1000,
      requests: ['a'],
      sloCount: 2,
    });
    const u = update(1000, { a: scope(1, 0, [5]) });
    u.verdicts = [
      { expr: 'p95 < 200ms', metric: 'p95', op: '<', threshold: 200, value: 250, unit: 'ms', samples: 10, pass: false },
      {
        expr: 'a: error_rate < 1%',
        scope: { kind: 'request', name: 'a' },
        metric: 'error_rate',
        op: '<',
        threshold: 0.01,
        value: 0,
        unit: 'ratio',
        samples: 10,
        pass: true,
      },
    ];
    r.onInterval(u);
    const text = await r.registry.metrics();
    expect(
      line(text, 'backend_bench_slo_pass{run_id="r2",scenario="s",slo="p95 < 200ms",metric="p95",scope="run"}'),
    ).toBe(0);
    expect(
      line(text, 'backend_bench_slo_value{run_id="r2",scenario="s",slo="p95 < 200ms",metric="p95",scope="run"}'),
    ).toBe(0.25);
    expect(
      line(text, 'backend_bench_slo_threshold{run_id="r2",scenario="s",slo="p95 < 200ms",metric="p95",scope="run"}'),
    ).toBe(0.2);
    expect(
      line(
        text,
        'backend_bench_slo_pass{run_id="r2",scenario="s",slo="a: error_rate < 1%",metric="error_rate",scope="request:a"}',
      ),
    ).toBe(1);
    await r.close();
  });
});
