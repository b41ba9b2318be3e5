/**
 * Shared pieces of the Grafana dashboards, built with Grafana's foundation SDK so the JSON follows Grafana's
 * dashboard schema by construction. Metric names come from the one catalogue (src/metrics/names.ts).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS, type MetricKey } from '../../src/metrics/names.js';

/** Every panel and variable queries the data source picked in this variable (imported boards ask for it). */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

/** The run filter every query carries: one board serves many runs. */
export const RUN = 'run_id=~"$run_id"';

export const m = (key: MetricKey): string => METRICS[key].name;

export function query(expr: string, legend: string, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).range().datasource(DATASOURCE);
}

export type Q = readonly [expr: string, legend: string];

const REF_IDS = 'ABCDEFGH';

/**
 * A time-series panel. One unit for the whole panel, so its one axis means one thing: figures of another unit get
 * a panel of their own. The description is what Grafana shows on the panel's (i) — every panel has one.
 */
export function series(
  title: string,
  description: string,
  unit: string,
  queries: readonly Q[],
  width = 12,
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .min(0)
    .height(8)
    .span(width)
    .lineWidth(2)
    .fillOpacity(8)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
  queries.forEach(([expr, legend], i) => panel.withTarget(query(expr, legend, REF_IDS[i] ?? `Q${i}`)));
  return panel;
}

export function single(title: string, description: string, unit: string, expr: string, width = 4): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .height(4)
    .span(width)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .withTarget(query(expr, title, 'A'));
}

/**
 * The runs seen in the time range, the one seen last first, so a fresh board opens on the latest run: each run's
 * last sample time, sorted descending (Grafana keeps the query's order with sorting off). The subquery steps every
 * 5 s: at the default step (the evaluation interval, often 1 m) a short run's series, marked stale when it ends,
 * falls between two steps and the run would be missing.
 */
export const runsNewestFirst = (runMetric: string): string =>
  `query_result(sort_desc(max by (run_id) (max_over_time(timestamp(${runMetric})[$__range:5s]))))`;

/** The variables both boards share: the data source, then the run (newest first, selected by default). */
export function withRunVariables(builder: dashboard.DashboardBuilder, runMetric: string): dashboard.DashboardBuilder {
  return builder
    .withVariable(
      new dashboard.DatasourceVariableBuilder('DS_PROMETHEUS')
        .label('Prometheus')
        .description('The Prometheus that scrapes backend-bench (or its Pushgateway)')
        .type('prometheus'),
    )
    .withVariable(
      new dashboard.QueryVariableBuilder('run_id')
        .label('Run')
        .description('Runs seen in the time range, the latest first; pick several to compare them')
        .datasource(DATASOURCE)
        .query(runsNewestFirst(runMetric))
        .regex('/run_id="([^"]+)"/')
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.Disabled)
        .multi(true)
        .includeAll(true),
    );
}

/**
 * What the import form needs (as Grafana's "export for sharing externally" writes it): `__inputs` asks for the
 * Prometheus data source and replaces every ${DS_PROMETHEUS} with it; `__requires` names the plugins used.
 */
export function importable(board: dashboard.Dashboard): Record<string, unknown> {
  const panelTypes = new Set((board.panels ?? []).map((p) => p.type).filter((t) => t !== 'row'));
  const PANEL_NAMES: Record<string, string> = { timeseries: 'Time series', stat: 'Stat' };
  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        description: 'The Prometheus that scrapes backend-bench (or its Pushgateway)',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      ...[...panelTypes].sort().map((id) => ({ type: 'panel', id, name: PANEL_NAMES[id] ?? id, version: '' })),
    ],
    ...board,
  };
}

export function board(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['backend-bench', 'load-testing'])
    .editable()
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser');
}

export const rate = (metric: string, by = ''): string =>
  `sum${by === '' ? '' : ` by (${by})`} (rate(${metric}{${RUN}}[$__rate_interval]))`;

/** Always by run too: several selected runs must not merge into one distribution. */
export const quantile = (q: number, histogram: string, by = ''): string =>
  `histogram_quantile(${q}, sum by (le, run_id${by === '' ? '' : `, ${by}`}) (rate(${histogram}_bucket{${RUN}}[$__rate_interval])))`;
