import type { TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';
import { sectionsOf } from '../workloads/registry.js';
import type { ReportChart } from './section.js';

/**
 * The open model's target per point. Engines set the target to 0 once the schedule is over, so live gauges show
 * the end; a point flushed after that carries a 0 no stage asked for. Trailing zeros are left out (null: uPlot
 * draws no line there) rather than drawn as a plunge at the end of every run.
 */
export function targetValues(ts: readonly TimeseriesPoint[]): (number | null)[] {
  const values: (number | null)[] = ts.map((p) => p.targetRate);
  for (let i = values.length - 1; i >= 0 && values[i] === 0; i--) values[i] = null;
  return values;
}

/** Throughput against the target, latency percentiles, errors and drops: a run of requests. */
function requestCharts(result: RunResult): ReportChart[] {
  const ts = result.timeseries;
  const t = ts.map((p) => p.t);
  const col = (f: (p: TimeseriesPoint) => number): number[] => ts.map(f);
  const throughput: ReportChart['series'] = [{ label: 'achieved rps', values: col((p) => p.rps) }];
  if (result.model === 'open') throughput.push({ label: 'target rps', values: targetValues(ts) });
  return [
    { title: 'Throughput', unit: 'requests / s', t, series: throughput },
    {
      title: 'Latency percentiles (per second)',
      unit: 'ms',
      t,
      series: [
        { label: 'p50', values: col((p) => p.p50) },
        { label: 'p95', values: col((p) => p.p95) },
        { label: 'p99', values: col((p) => p.p99) },
      ],
    },
    {
      title: 'Errors and dropped starts',
      unit: 'per second',
      t,
      series: [
        { label: 'errors', values: col((p) => p.errors) },
        { label: 'dropped', values: col((p) => p.dropped) },
      ],
    },
  ];
}

/** The charts of a result: its workload section's when it has them (messages, iterations), else the requests'. */
export function reportCharts(result: RunResult): ReportChart[] {
  for (const section of sectionsOf(result)) {
    const charts = section.charts?.(result);
    if (charts !== undefined && charts.length > 0) return charts;
  }
  return requestCharts(result);
}
