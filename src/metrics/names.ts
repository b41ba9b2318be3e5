/**
 * The one catalogue of exported metric names (Prometheus, Pushgateway, Grafana dashboards; OTLP uses the
 * semantic-convention names in OTLP_METRICS). Conventions: one prefix, base units (seconds, ratios),
 * `_total` on counters, `_seconds` on durations. Labels carry names the user gave (scenario, request,
 * step, service, queue), never raw URLs, so series stay few and safe to share.
 */

export const METRIC_PREFIX = 'backend_bench_';

/**
 * OpenTelemetry's default explicit bucket boundaries, in seconds, so a Prometheus histogram and an OTLP
 * one of the same run put every request in the same bucket.
 */
export const LATENCY_BUCKETS_SECONDS = [
  0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Which part of a run a metric describes; a reporter exports a section only when the run has it. */
export type MetricSection = 'run' | 'http' | 'generator' | 'slo' | 'flow' | 'event' | 'websocket';

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
  /** Labels besides run_id and scenario, which every metric carries. */
  labels: readonly string[];
  section: MetricSection;
}

const def = <T extends MetricType>(
  section: MetricSection,
  type: T,
  suffix: string,
  help: string,
  labels: readonly string[] = [],
): MetricDef & { type: T } => ({ name: `${METRIC_PREFIX}${suffix}`, type, help, labels, section });

/** Labels on every metric: one board serves many runs, filtered by run_id. */
export const COMMON_LABELS = ['run_id', 'scenario'] as const;

export const METRICS = {
  runInfo: def('run', 'gauge', 'run_info', 'Always 1; labels describe the run', ['model', 'version']),
  runElapsed: def('run', 'gauge', 'run_elapsed_seconds', 'Seconds since the run started'),
  runPassed: def('run', 'gauge', 'run_passed', 'End of run: 1 when every SLO passed, else 0'),
  runDuration: def('run', 'gauge', 'run_duration_seconds', 'End of run: how long load ran'),

  requests: def('http', 'counter', 'requests_total', 'Requests completed (failed ones included)', ['request']),
  requestErrors: def('http', 'counter', 'request_errors_total', 'Requests that failed', ['request']),
  errors: def('http', 'counter', 'errors_total', 'Failed requests by error kind', ['kind']),
  responses: def('http', 'counter', 'responses_total', 'Responses received, by status code ("other" past the bound)', [
    'request',
    'code',
  ]),
  requestDuration: def(
    'http',
    'histogram',
    'request_duration_seconds',
    'Request latency from the intended start (open model) or the send (closed model)',
    ['request'],
  ),
  dropped: def('http', 'counter', 'dropped_starts_total', 'Open-model starts skipped at the in-flight cap', [
    'request',
  ]),
  inFlight: def('http', 'gauge', 'requests_in_flight', 'Requests sent and not yet answered'),
  targetRate: def('http', 'gauge', 'target_rate_per_second', 'Arrival rate the open model aims for (0 when closed)'),
  achievedRate: def('http', 'gauge', 'achieved_rate_per_second', 'Requests completed per second, last interval'),
  sendDelay: def('http', 'histogram', 'send_delay_seconds', 'Open model: actual start minus intended start'),

  eventLoopDelay: def(
    'generator',
    'gauge',
    'generator_event_loop_delay_seconds',
    'Event-loop delay p99, last interval',
  ),
  cpu: def('generator', 'gauge', 'generator_cpu_ratio', 'CPU used by the generator, fraction of one core'),
  saturated: def('generator', 'gauge', 'generator_saturated', '1 when the generator itself is the bottleneck'),

  sloPass: def('slo', 'gauge', 'slo_pass', '1 while the SLO holds, 0 when it fails', ['slo', 'metric', 'scope']),
  sloValue: def('slo', 'gauge', 'slo_value', 'Measured value in base units (seconds, ratio, per second, count)', [
    'slo',
    'metric',
    'scope',
  ]),
  sloThreshold: def('slo', 'gauge', 'slo_threshold', 'The budget, in the same units as slo_value', [
    'slo',
    'metric',
    'scope',
  ]),

  flowIterations: def('flow', 'counter', 'flow_iterations_total', 'Flow iterations completed (failed ones included)', [
    'flow',
  ]),
  flowErrors: def('flow', 'counter', 'flow_iteration_errors_total', 'Flow iterations that failed at some step', [
    'flow',
  ]),
  flowDuration: def('flow', 'histogram', 'flow_duration_seconds', 'Duration of a whole flow iteration', ['flow']),
  serviceRequests: def('flow', 'counter', 'service_requests_total', 'Flow requests sent to a service', ['service']),
  serviceErrors: def('flow', 'counter', 'service_request_errors_total', 'Flow requests to a service that failed', [
    'service',
  ]),
  serviceDuration: def('flow', 'histogram', 'service_request_duration_seconds', 'Latency of flow requests by service', [
    'service',
  ]),
  stepDuration: def(
    'flow',
    'histogram',
    'step_duration_seconds',
    'Latency of a flow step (its request), with its flow and service',
    ['flow', 'step', 'service'],
  ),
  stepsSkipped: def(
    'flow',
    'counter',
    'step_skipped_total',
    'Steps not run because a value they need was never captured',
    ['flow', 'step'],
  ),

  published: def('event', 'counter', 'messages_published_total', 'Messages the broker confirmed', ['queue']),
  publishErrors: def('event', 'counter', 'message_publish_errors_total', 'Publishes that failed, by kind', [
    'queue',
    'kind',
  ]),
  consumed: def('event', 'counter', 'messages_consumed_total', 'Distinct messages of this run consumed', ['queue']),
  messagesDropped: def('event', 'counter', 'messages_dropped_total', 'Publishes skipped at the in-flight cap', [
    'queue',
  ]),
  duplicates: def('event', 'counter', 'messages_duplicated_total', 'Messages consumed more than once', ['queue']),
  lost: def('event', 'counter', 'messages_lost_total', 'Messages never delivered (lost or undelivered at the end)', [
    'queue',
  ]),
  publishDuration: def(
    'event',
    'histogram',
    'publish_duration_seconds',
    'Publish→ack latency from the intended send time',
    ['queue'],
  ),
  e2eLatency: def('event', 'histogram', 'e2e_latency_seconds', 'Produce→consume latency from the intended send time', [
    'queue',
  ]),
  queueLag: def(
    'event',
    'gauge',
    'queue_lag_messages',
    'Queue lag as the broker reports it (ready + unacked, pending, consumer lag)',
    ['queue'],
  ),
  queueTimeLag: def(
    'event',
    'gauge',
    'queue_time_lag_seconds',
    'Age of the oldest published message not yet consumed',
    ['queue'],
  ),

  wsSessions: def(
    'websocket',
    'counter',
    'websocket_sessions_total',
    'WebSocket sessions, by outcome (opened, failed)',
    ['outcome'],
  ),
  wsMessagesSent: def('websocket', 'counter', 'websocket_messages_sent_total', 'WebSocket messages sent'),
  wsMessagesReceived: def('websocket', 'counter', 'websocket_messages_received_total', 'WebSocket messages received'),
  wsConnectDuration: def(
    'websocket',
    'histogram',
    'websocket_connect_duration_seconds',
    'Time to open a WebSocket session (TCP, TLS, upgrade)',
  ),
  wsCloses: def('websocket', 'counter', 'websocket_closes_total', 'WebSocket sessions closed, by code and side', [
    'code',
    'by',
  ]),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** Every exported series name, with the suffixes Prometheus adds to histograms. */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const m of Object.values(METRICS) as MetricDef[]) {
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
    else names.add(m.name);
  }
  return names;
}

/** OpenTelemetry names: semantic conventions where one exists, our namespace otherwise. */
export const OTLP_METRICS = {
  httpClientDuration: { name: 'http.client.request.duration', unit: 's', help: 'Duration of HTTP client requests' },
  requests: { name: 'backend_bench.requests', unit: '{request}', help: 'Requests completed' },
  errors: { name: 'backend_bench.errors', unit: '{request}', help: 'Failed requests by error.type' },
  dropped: { name: 'backend_bench.dropped_starts', unit: '{request}', help: 'Open-model starts skipped' },
  inFlight: { name: 'backend_bench.requests.in_flight', unit: '{request}', help: 'Requests in flight' },
  targetRate: { name: 'backend_bench.target_rate', unit: '{request}/s', help: 'Arrival rate aimed for' },
  sloPass: { name: 'backend_bench.slo.pass', unit: '1', help: '1 while the SLO holds, 0 when it fails' },
  sloValue: { name: 'backend_bench.slo.value', unit: '1', help: 'Measured SLO value in base units' },
  saturated: { name: 'backend_bench.generator.saturated', unit: '1', help: '1 when the generator is the bottleneck' },
  messagesSent: { name: 'messaging.client.sent.messages', unit: '{message}', help: 'Messages the broker confirmed' },
  messagesConsumed: {
    name: 'messaging.client.consumed.messages',
    unit: '{message}',
    help: 'Messages of this run consumed',
  },
  publishDuration: {
    name: 'messaging.client.operation.duration',
    unit: 's',
    help: 'Publish→ack duration (operation type send)',
  },
  e2eLatency: {
    name: 'backend_bench.messaging.e2e_latency',
    unit: 's',
    help: 'Produce→consume latency from the intended send time',
  },
  queueLag: {
    name: 'backend_bench.messaging.queue_lag',
    unit: '{message}',
    help: 'Queue lag as the broker reports it',
  },
  wsSessions: { name: 'backend_bench.websocket.sessions', unit: '{session}', help: 'WebSocket sessions by outcome' },
  wsMessages: {
    name: 'backend_bench.websocket.messages',
    unit: '{message}',
    help: 'WebSocket messages, by direction (sent, received)',
  },
  wsConnectDuration: {
    name: 'backend_bench.websocket.connect.duration',
    unit: 's',
    help: 'Time to open a WebSocket session',
  },
  wsCloses: { name: 'backend_bench.websocket.closes', unit: '{session}', help: 'WebSocket sessions closed, by code' },
} as const satisfies Record<string, { name: string; unit: string; help: string }>;
