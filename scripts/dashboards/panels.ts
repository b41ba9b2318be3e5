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

export function series(title: string, unit: string, queries: readonly Q[], width = 12): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
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

export function single(title: string, unit: string, expr: string, width = 4): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(unit)
    .height(4)
    .span(width)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .withTarget(query(expr, title, 'A'));
}

/** The variables both boards share: the data source, then the run (newest first). */
export function withRunVariables(builder: dashboard.DashboardBuilder, runMetric: string): dashboard.DashboardBuilder {
  return builder
    .withVariable(new dashboard.DatasourceVariableBuilder('DS_PROMETHEUS').label('Prometheus').type('prometheus'))
    .withVariable(
      new dashboard.QueryVariableBuilder('run_id')
        .label('Run')
        .datasource(DATASOURCE)
        .query(`label_values(${runMetric}, run_id)`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.Disabled)
        .multi(true)
        .includeAll(true),
    );
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

export const quantile = (q: number, histogram: string, by = ''): string =>
  `histogram_quantile(${q}, sum by (le${by === '' ? '' : `, ${by}`}) (rate(${histogram}_bucket{${RUN}}[$__rate_interval])))`;
