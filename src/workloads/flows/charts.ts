import { targetValues } from '../../reporters/report-charts.js';
import type { ReportChart } from '../../reporters/section.js';
import type { RunResult } from '../../result/run-result.js';

/**
 * A flow run's charts: iterations per second against the iteration target (the schedule starts iterations, not
 * requests), the steps' latency percentiles, and failed iterations beside the requests that failed.
 */
export function flowCharts(result: RunResult): ReportChart[] {
  const points = result.flowTimeseries ?? [];
  if (points.length === 0) return [];
  const ts = result.timeseries;
  const t = points.map((p) => p.t);
  const target = targetValues(ts);
  const byT = new Map(ts.map((p, i) => [p.t, { point: p, target: target[i] ?? null }]));
  const at = <T>(f: (p: NonNullable<ReturnType<typeof byT.get>>) => T): (T | null)[] =>
    t.map((s) => {
      const found = byT.get(s);
      return found === undefined ? null : f(found);
    });
  const iterations: ReportChart['series'] = [{ label: 'iterations / s', values: points.map((p) => p.iterations) }];
  if (result.model === 'open') iterations.push({ label: 'target iterations / s', values: at((p) => p.target) });
  return [
    { title: 'Iterations per second', unit: 'iterations / s', t, series: iterations },
    {
      title: 'Step latency percentiles (per second)',
      unit: 'ms',
      t,
      series: [
        { label: 'p50', values: at((p) => p.point.p50) },
        { label: 'p95', values: at((p) => p.point.p95) },
        { label: 'p99', values: at((p) => p.point.p99) },
      ],
    },
    {
      title: 'Failures per second',
      unit: 'per second',
      t,
      series: [
        { label: 'failed iterations', values: points.map((p) => p.failed) },
        { label: 'failed requests', values: at((p) => p.point.errors) },
      ],
    },
  ];
}
