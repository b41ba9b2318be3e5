import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { SLO_METRICS } from '../../src/slo/parse.js';
import { board, importable, m, quantile, RUN, rate, series, single, withRunVariables } from './panels.js';

/** The overview's row of flow panels: flow runs fill it; request and event runs leave it empty. */
export const FLOW_ROW = 'Flows, steps and services (microservice runs)';

/** Of the time flow requests spent waiting on services, the share each service took (per run). */
function serviceShare(): string {
  const time = `rate(${m('serviceDuration')}_sum{${RUN}}[$__rate_interval])`;
  return `sum by (run_id, service) (${time}) / on (run_id) group_left () sum by (run_id) (${time})`;
}

/** Stable uids: links and provisioning keep working across regenerations. */
export const UIDS = { overview: 'backend-bench-overview', events: 'backend-bench-events' } as const;

/** The SLO metrics of one kind, as a label matcher: each kind has its own unit, so its own panel. */
function sloMetrics(kind: string): string {
  const names = Object.entries(SLO_METRICS)
    .filter(([, def]) => def.kind === kind)
    .map(([name]) => name.replace(/\./g, '\\\\.'));
  return `metric=~"${names.join('|')}"`;
}

function sloPanel(title: string, kind: string, unit: string): ReturnType<typeof series> {
  const only = `${RUN}, ${sloMetrics(kind)}`;
  return series(
    title,
    `SLOs on ${kind} figures: the measured value (solid) against its budget, in the metric's base unit.`,
    unit,
    [
      [`${m('sloValue')}{${only}}`, '{{slo}} measured ({{run_id}})'],
      [`${m('sloThreshold')}{${only}}`, '{{slo}} budget ({{run_id}})'],
    ],
    6,
  );
}

function overview(): dashboard.DashboardBuilder {
  const requests = m('requests');
  const duration = m('requestDuration');
  const b = board(
    UIDS.overview,
    'backend-bench: overview',
    'Live view of backend-bench runs: throughput, latency, errors, SLOs and the generator itself.',
  );
  return withRunVariables(b, m('runInfo'))
    .withPanel(single('Requests / s', 'Requests finished per second, over the selected runs.', 'reqps', rate(requests)))
    .withPanel(
      single('p95 latency', '95th percentile of request latency, one value per run.', 's', quantile(0.95, duration)),
    )
    .withPanel(
      single(
        'Error rate',
        'Failed requests over all requests (status, check, timeout, connection errors).',
        'percentunit',
        `${rate(m('requestErrors'))} / ${rate(requests)}`,
      ),
    )
    .withPanel(single('In flight', 'Requests sent and not yet answered.', 'short', `sum (${m('inFlight')}{${RUN}})`))
    .withPanel(
      single(
        'SLOs failing',
        'How many SLOs fail right now (0 is good).',
        'short',
        `count (${m('sloPass')}{${RUN}} == 0) or vector(0)`,
      ),
    )
    .withPanel(
      single(
        'Generator saturated',
        'Yes when the load generator, not the target, is the bottleneck: its figures then measure itself.',
        'bool_yes_no',
        `max (${m('saturated')}{${RUN}})`,
      ),
    )
    .withRow(new RowBuilder('Traffic'))
    .withPanel(
      series(
        'Throughput: achieved vs target',
        'Requests finished per second against the rate the scenario asked for (open model), per run.',
        'reqps',
        [
          [rate(requests, 'run_id'), 'achieved {{run_id}}'],
          [`sum by (run_id) (${m('targetRate')}{${RUN}})`, 'target {{run_id}}'],
        ],
      ),
    )
    .withPanel(
      series(
        'Latency percentiles',
        'Request latency from the intended start (no coordinated omission), per run.',
        's',
        [
          [quantile(0.5, duration), 'p50 {{run_id}}'],
          [quantile(0.95, duration), 'p95 {{run_id}}'],
          [quantile(0.99, duration), 'p99 {{run_id}}'],
        ],
      ),
    )
    .withRow(new RowBuilder('Errors'))
    .withPanel(
      series(
        'Error rate',
        'Failed requests over all requests, per run.',
        'percentunit',
        [[`${rate(m('requestErrors'), 'run_id')} / ${rate(requests, 'run_id')}`, '{{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Errors by kind',
        'Failed requests per second by kind: refused, reset, timeout, dns, status, check, other.',
        'reqps',
        [[rate(m('errors'), 'run_id, kind'), '{{kind}} ({{run_id}})']],
        8,
      ),
    )
    .withPanel(
      series(
        'Responses / s by status code',
        'HTTP responses per second by status code.',
        'reqps',
        [[rate(m('responses'), 'run_id, code'), '{{code}} ({{run_id}})']],
        8,
      ),
    )
    .withRow(new RowBuilder('Per request (steps of a flow)'))
    .withPanel(
      series(
        'Requests / s by request',
        'Requests finished per second by request name (steps, in a flow run).',
        'reqps',
        [[rate(requests, 'run_id, request'), '{{request}} ({{run_id}})']],
      ),
    )
    .withPanel(
      series('p95 by request', '95th percentile latency by request name.', 's', [
        [quantile(0.95, duration, 'request'), '{{request}} ({{run_id}})'],
      ]),
    )
    .withRow(new RowBuilder(FLOW_ROW))
    .withPanel(
      series(
        'Flow success rate',
        'Iterations that completed every step without error, over all iterations, per flow.',
        'percentunit',
        [
          [
            `1 - ${rate(m('flowErrors'), 'run_id, flow')} / ${rate(m('flowIterations'), 'run_id, flow')}`,
            '{{flow}} ({{run_id}})',
          ],
        ],
        8,
      ),
    )
    .withPanel(
      series(
        'Flow iterations / s',
        'Flow iterations finished per second.',
        'ops',
        [[rate(m('flowIterations'), 'run_id, flow'), '{{flow}} ({{run_id}})']],
        8,
      ),
    )
    .withPanel(
      series(
        'Flow duration p95',
        '95th percentile of a whole iteration, think time included.',
        's',
        [[quantile(0.95, m('flowDuration'), 'flow'), '{{flow}} ({{run_id}})']],
        8,
      ),
    )
    .withPanel(
      series(
        'Share of time by service',
        'Of the time flow requests waited on services, the share each service took.',
        'percentunit',
        [[serviceShare(), '{{service}} ({{run_id}})']],
        8,
      ),
    )
    .withPanel(
      series(
        'p95 by service',
        '95th percentile latency of the requests sent to each service.',
        's',
        [[quantile(0.95, m('serviceDuration'), 'service'), '{{service}} ({{run_id}})']],
        8,
      ),
    )
    .withPanel(
      series(
        'Service errors and skipped steps / s',
        'Failed requests per service, and steps skipped for want of a captured value, per second.',
        'ops',
        [
          [rate(m('serviceErrors'), 'run_id, service'), 'errors {{service}} ({{run_id}})'],
          [rate(m('stepsSkipped'), 'run_id, step'), 'skipped {{step}} ({{run_id}})'],
        ],
        8,
      ),
    )
    .withPanel(
      series(
        'p95 by step',
        '95th percentile latency of each step, with its flow and the service it calls.',
        's',
        [[quantile(0.95, m('stepDuration'), 'flow, step, service'), '{{flow}} / {{step}} → {{service}} ({{run_id}})']],
        24,
      ),
    )
    .withRow(new RowBuilder('SLOs'))
    .withPanel(
      series(
        'SLO status (1 = pass)',
        'Each SLO: 1 while it holds, 0 when it fails.',
        'short',
        [[`${m('sloPass')}{${RUN}}`, '{{slo}} ({{run_id}})']],
        24,
      ),
    )
    .withPanel(sloPanel('SLOs on latency', 'latency', 's'))
    .withPanel(sloPanel('SLOs on ratios', 'ratio', 'percentunit'))
    .withPanel(sloPanel('SLOs on rates', 'rate', 'ops'))
    .withPanel(sloPanel('SLOs on counts', 'count', 'short'))
    .withRow(new RowBuilder('Open model and generator'))
    .withPanel(
      series(
        'In flight',
        'Requests sent and not yet answered.',
        'short',
        [[`sum by (run_id) (${m('inFlight')}{${RUN}})`, '{{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Dropped starts / s',
        'Open model: scheduled starts skipped because maxInFlight requests were already waiting.',
        'reqps',
        [[rate(m('dropped'), 'run_id'), '{{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Send delay p99 (starts left late)',
        'How late requests left compared with their schedule: large against the gap between starts means a saturated generator.',
        's',
        [[quantile(0.99, m('sendDelay')), 'p99 {{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Generator event-loop delay p99',
        'How long the busiest generator thread waited to run: above 20 ms the generator is saturated.',
        's',
        [[`max by (run_id) (${m('eventLoopDelay')}{${RUN}})`, '{{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Generator CPU',
        'CPU used by the generator, as a fraction of one core.',
        'percentunit',
        [[`max by (run_id) (${m('cpu')}{${RUN}})`, '{{run_id}}']],
        8,
      ),
    )
    .withPanel(
      series(
        'Generator saturated',
        '1 while the generator itself is the bottleneck.',
        'bool',
        [[`max by (run_id) (${m('saturated')}{${RUN}})`, '{{run_id}}']],
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
    .withPanel(single('Published / s', 'Messages the broker confirmed per second.', 'ops', rate(m('published'))))
    .withPanel(single('Consumed / s', 'Messages of this run consumed per second.', 'ops', rate(m('consumed'))))
    .withPanel(
      single(
        'e2e p99',
        '99th percentile of produce→consume latency, one value per run.',
        's',
        quantile(0.99, m('e2eLatency')),
      ),
    )
    .withPanel(
      single(
        'Queue lag',
        'Messages waiting in the broker (as it reports them).',
        'short',
        `sum (${m('queueLag')}{${RUN}})`,
      ),
    )
    .withPanel(single('Lost', 'Messages published and never consumed.', 'short', `sum (${m('lost')}{${RUN}})`))
    .withPanel(single('Duplicates', 'Messages consumed more than once.', 'short', `sum (${m('duplicates')}{${RUN}})`))
    .withPanel(
      series('Publish and consume rate by queue', 'Messages confirmed and consumed per second, per queue.', 'ops', [
        [rate(m('published'), 'run_id, queue'), 'published {{queue}} ({{run_id}})'],
        [rate(m('consumed'), 'run_id, queue'), 'consumed {{queue}} ({{run_id}})'],
      ]),
    )
    .withPanel(
      series('Produce→consume latency', 'From the intended send time to consumption, per queue.', 's', [
        [quantile(0.5, m('e2eLatency'), 'queue'), 'p50 {{queue}} ({{run_id}})'],
        [quantile(0.99, m('e2eLatency'), 'queue'), 'p99 {{queue}} ({{run_id}})'],
      ]),
    )
    .withPanel(
      series('Publish→ack latency', 'From publishing to the broker confirming it, per queue.', 's', [
        [quantile(0.99, m('publishDuration'), 'queue'), 'p99 {{queue}} ({{run_id}})'],
      ]),
    )
    .withPanel(
      series('Queue lag (broker) by queue', 'Messages waiting in the broker, per queue.', 'short', [
        [`sum by (run_id, queue) (${m('queueLag')}{${RUN}})`, '{{queue}} ({{run_id}})'],
      ]),
    )
    .withPanel(
      series(
        'Time lag: oldest unconsumed message',
        'Age of the oldest message published and not yet consumed, per queue.',
        's',
        [[`max by (run_id, queue) (${m('queueTimeLag')}{${RUN}})`, '{{queue}} ({{run_id}})']],
      ),
    )
    .withPanel(
      series(
        'Publish errors and drops',
        'Failed publishes by kind, and publishes skipped at the in-flight cap, per second.',
        'ops',
        [
          [rate(m('publishErrors'), 'run_id, kind'), '{{kind}} ({{run_id}})'],
          [rate(m('messagesDropped'), 'run_id'), 'dropped ({{run_id}})'],
        ],
      ),
    );
}

/** File name in dashboards/ → the dashboard. */
export const DASHBOARDS = {
  'overview.json': overview,
  'events.json': events,
} satisfies Record<string, () => dashboard.DashboardBuilder>;

/** Each board as its file holds it: importable (__inputs, __requires) and provisionable alike. */
export function buildDashboards(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([file, make]) => [file, importable(make().build())]));
}
