import { targetValues } from '../../reporters/report-charts.js';
import type { ReportChart } from '../../reporters/section.js';
import type { RunResult } from '../../result/run-result.js';

/**
 * An event run's charts count messages, not requests: confirmed publishes and consumes per second against the
 * publish target, produce→consume latency (with publish→confirm beside it), and the lag left on the broker.
 */
export function eventCharts(result: RunResult): ReportChart[] {
  const points = result.events?.timeseries ?? [];
  if (points.length === 0) return [];
  const t = points.map((p) => p.t);
  // The target is the run's publish schedule, second by second; the drain seconds have none.
  const target = targetValues(result.timeseries);
  const targets = new Map(result.timeseries.map((p, i) => [p.t, target[i] ?? null]));
  const rates: ReportChart['series'] = [
    { label: 'confirmed msg/s', values: points.map((p) => p.acked) },
    { label: 'consumed msg/s', values: points.map((p) => p.consumed) },
  ];
  if (result.model === 'open') rates.push({ label: 'target msg/s', values: t.map((s) => targets.get(s) ?? null) });
  return [
    { title: 'Messages per second', unit: 'messages / s', t, series: rates },
    {
      title: 'Produce → consume latency (per second)',
      unit: 'ms',
      t,
      series: [
        { label: 'e2e p50', values: points.map((p) => p.e2eP50) },
        { label: 'e2e p99', values: points.map((p) => p.e2eP99) },
        { label: 'publish → confirm p99', values: points.map((p) => p.publishP99) },
      ],
    },
    {
      title: 'Lag',
      unit: 'messages',
      t,
      series: [
        { label: 'broker lag', values: points.map((p) => p.lag) },
        { label: 'not yet consumed', values: points.map((p) => p.backlog) },
      ],
    },
  ];
}
