import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, m, quantile, RUN, rate, series, single, withRunVariables } from './panels.js';

/** The overview's row of flow panels: flow runs fill it; request and event runs leave it empty. */
export const FLOW_ROW = 'Flows, steps and services (microservice runs)';

/** Of the time flow requests spent waiting on services, the share each service took (per run). */
function serviceShare(): string {
  const time = `rate(${m('serviceDuration')}_sum{${RUN}}[$__rate_interval])`;
  return `sum by (run_id, service) (${time}) / on (run_id) group_left () sum by (run_id) (${time})`;
}

/** Stable uids: links and provisioning keep working across regenerations. */
export const UIDS = { overview: 'backend-bench-overview', events: 'backend-bench-events' } as const;

function overview(): dashboard.DashboardBuilder {
  const requests = m('requests');
  const duration = m('requestDuration');
  const b = board(
    UIDS.overview,
    'backend-bench: overview',
    'Live view of backend-bench runs: throughput, latency, errors, SLOs and the generator itself.',
  );
  return withRunVariables(b, m('runInfo'))
    .withPanel(single('Requests / s', 'reqps', rate(requests)))
    .withPanel(single('p95 latency', 's', quantile(0.95, duration)))
    .withPanel(single('Error rate', 'percentunit', `${rate(m('requestErrors'))} / ${rate(requests)}`))
    .withPanel(single('In flight', 'short', `sum (${m('inFlight')}{${RUN}})`))
    .withPanel(single('SLOs failing', 'short', `count (${m('sloPass')}{${RUN}} == 0) or vector(0)`))
    .withPanel(single('Generator saturated', 'bool_yes_no', `max (${m('saturated')}{${RUN}})`))
    .withRow(new RowBuilder('Traffic'))
    .withPanel(
      series('Throughput: achieved vs target', 'reqps', [
        [rate(requests, 'run_id'), 'achieved {{run_id}}'],
        [`sum by (run_id) (${m('targetRate')}{${RUN}})`, 'target {{run_id}}'],
      ]),
    )
    .withPanel(
      series('Latency percentiles', 's', [
        [quantile(0.5, duration), 'p50'],
        [quantile(0.95, duration), 'p95'],
        [quantile(0.99, duration), 'p99'],
      ]),
    )
    .withRow(new RowBuilder('Errors'))
    .withPanel(
      series(
        'Error rate',
        'percentunit',
        [[`${rate(m('requestErrors'), 'run_id')} / ${rate(requests, 'run_id')}`, '{{run_id}}']],
        8,
      ),
    )
    .withPanel(series('Errors by kind', 'reqps', [[rate(m('errors'), 'kind'), '{{kind}}']], 8))
    .withPanel(series('Responses / s by status code', 'reqps', [[rate(m('responses'), 'code'), '{{code}}']], 8))
    .withRow(new RowBuilder('Per request (steps of a flow)'))
    .withPanel(series('Requests / s by request', 'reqps', [[rate(requests, 'request'), '{{request}}']]))
    .withPanel(series('p95 by request', 's', [[quantile(0.95, duration, 'request'), '{{request}}']]))
    .withRow(new RowBuilder(FLOW_ROW))
    .withPanel(
      series(
        'Flow success rate',
        'percentunit',
        [[`1 - ${rate(m('flowErrors'), 'flow')} / ${rate(m('flowIterations'), 'flow')}`, '{{flow}}']],
        8,
      ),
    )
    .withPanel(series('Flow iterations / s', 'short', [[rate(m('flowIterations'), 'flow'), '{{flow}}']], 8))
    .withPanel(series('Flow duration p95', 's', [[quantile(0.95, m('flowDuration'), 'flow'), '{{flow}}']], 8))
    .withPanel(series('Share of time by service', 'percentunit', [[serviceShare(), '{{service}}']], 8))
    .withPanel(series('p95 by service', 's', [[quantile(0.95, m('serviceDuration'), 'service'), '{{service}}']], 8))
    .withPanel(
      series(
        'Service errors and skipped steps / s',
        'short',
        [
          [rate(m('serviceErrors'), 'service'), 'errors {{service}}'],
          [rate(m('stepsSkipped'), 'step'), 'skipped {{step}}'],
        ],
        8,
      ),
    )
    .withPanel(
      series(
        'p95 by step',
        's',
        [[quantile(0.95, m('stepDuration'), 'flow, step, service'), '{{flow}} / {{step}} → {{service}}']],
        24,
      ),
    )
    .withRow(new RowBuilder('SLOs'))
    .withPanel(series('SLO status (1 = pass)', 'short', [[`${m('sloPass')}{${RUN}}`, '{{slo}}']]))
    .withPanel(
      series('SLO measured / budget (base units)', 'short', [
        [`${m('sloValue')}{${RUN}}`, '{{slo}} measured'],
        [`${m('sloThreshold')}{${RUN}}`, '{{slo}} budget'],
      ]),
    )
    .withRow(new RowBuilder('Open model and generator'))
    .withPanel(
      series(
        'In flight and dropped starts',
        'short',
        [
          [`sum (${m('inFlight')}{${RUN}})`, 'in flight'],
          [rate(m('dropped')), 'dropped / s'],
        ],
        8,
      ),
    )
    .withPanel(series('Send delay p99 (starts left late)', 's', [[quantile(0.99, m('sendDelay')), 'p99']], 8))
    .withPanel(
      series(
        'Generator health',
        'short',
        [
          [`max (${m('eventLoopDelay')}{${RUN}})`, 'event-loop delay p99 (s)'],
          [`max (${m('cpu')}{${RUN}})`, 'CPU (cores)'],
          [`max (${m('saturated')}{${RUN}})`, 'saturated'],
        ],
        8,
      ),
    );
}

function events(): dashboard.DashboardBuilder {
  const b = board(
    UIDS.events,
    'backend-bench: events',
    'Event-driven runs: publish and consume rates, produce→consume latency, lag per queue, loss.',
  );
  return withRunVariables(b, m('runInfo'))
    .withPanel(single('Published / s', 'short', rate(m('published'))))
    .withPanel(single('Consumed / s', 'short', rate(m('consumed'))))
    .withPanel(single('e2e p99', 's', quantile(0.99, m('e2eLatency'))))
    .withPanel(single('Queue lag', 'short', `sum (${m('queueLag')}{${RUN}})`))
    .withPanel(single('Lost', 'short', `sum (${m('lost')}{${RUN}})`))
    .withPanel(single('Duplicates', 'short', `sum (${m('duplicates')}{${RUN}})`))
    .withPanel(
      series('Publish and consume rate by queue', 'short', [
        [rate(m('published'), 'queue'), 'published {{queue}}'],
        [rate(m('consumed'), 'queue'), 'consumed {{queue}}'],
      ]),
    )
    .withPanel(
      series('Produce→consume latency', 's', [
        [quantile(0.5, m('e2eLatency'), 'queue'), 'p50 {{queue}}'],
        [quantile(0.99, m('e2eLatency'), 'queue'), 'p99 {{queue}}'],
      ]),
    )
    .withPanel(series('Publish→ack latency', 's', [[quantile(0.99, m('publishDuration'), 'queue'), 'p99 {{queue}}']]))
    .withPanel(
      series('Queue lag (broker) by queue', 'short', [[`sum by (queue) (${m('queueLag')}{${RUN}})`, '{{queue}}']]),
    )
    .withPanel(
      series('Time lag: oldest unconsumed message', 's', [
        [`max by (queue) (${m('queueTimeLag')}{${RUN}})`, '{{queue}}'],
      ]),
    )
    .withPanel(
      series('Publish errors and drops', 'short', [
        [rate(m('publishErrors'), 'kind'), '{{kind}}'],
        [rate(m('messagesDropped')), 'dropped'],
      ]),
    );
}

/** File name in dashboards/ → the dashboard. */
export const DASHBOARDS = {
  'overview.json': overview,
  'events.json': events,
} satisfies Record<string, () => dashboard.DashboardBuilder>;

export function buildDashboards(): Record<string, dashboard.Dashboard> {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([file, make]) => [file, make().build()]));
}
