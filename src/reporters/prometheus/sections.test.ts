import { describe, expect, it } from 'vitest';
import { createHistogram, recordMs } from '../../metrics/histogram.js';
import type { LiveUpdate } from '../reporter.js';
import type { LiveSection } from '../section.js';
import { PrometheusReporter } from './prometheus.js';

/** A workload's live section as the registry would lend it: catalogue names only, no Prometheus in sight. */
function section(iterations: number, latenciesMs: number[]): LiveSection {
  const latency = createHistogram();
  for (const ms of latenciesMs) recordMs(latency, ms);
  return {
    emit: (out) => {
      out.count('flowIterations', { flow: 'checkout' }, iterations);
      out.latency('stepDuration', { flow: 'checkout', step: 'pay', service: 'payments' }, latency);
      out.gauge('queueTimeLag', { queue: 'orders' }, 0.25);
    },
  };
}

const update = (elapsedMs: number, sections: LiveSection[]): LiveUpdate =>
  ({ elapsedMs, sections }) as unknown as LiveUpdate;

describe('Prometheus exposition of live sections', () => {
  it('maps whatever catalogue metrics a section emits onto the registry, with the run labels', async () => {
    const r = await PrometheusReporter.create({ lingerMs: 0, log: () => undefined, warn: () => undefined });
    r.onStart({ runId: 'r1', scenario: 'shop', target: 't', model: 'open', durationMs: 1, requests: [], sloCount: 0 });
    r.onInterval(update(1000, [section(3, [5, 40])]));
    r.onInterval(update(2000, [section(2, [300])]));
    const text = await r.registry.metrics();
    const value = (series: string): number => {
      const found = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (found === undefined) throw new Error(`no series ${series}\n${text}`);
      return Number(found.slice(found.lastIndexOf(' ') + 1));
    };
    expect(value('backend_bench_flow_iterations_total{run_id="r1",scenario="shop",flow="checkout"}')).toBe(5);
    const step = 'run_id="r1",scenario="shop",flow="checkout",step="pay",service="payments"';
    expect(value(`backend_bench_step_duration_seconds_count{${step}}`)).toBe(3);
    expect(value(`backend_bench_step_duration_seconds_bucket{${step},le="0.05"}`)).toBe(2);
    expect(value('backend_bench_queue_time_lag_seconds{run_id="r1",scenario="shop",queue="orders"}')).toBe(0.25);
    await r.close();
  });
});
