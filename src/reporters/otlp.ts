/**
 * OpenTelemetry metrics over OTLP/HTTP via @opentelemetry/sdk-node. Imported dynamically (only with --otlp),
 * so a plain run never loads the SDK. Names follow the semantic conventions where they exist
 * (http.client.request.duration, seconds, OTel's default buckets); the rest live under backend_bench.*.
 */
import { type Attributes, type Counter, type Gauge, type Histogram, metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { messagingSystemOf } from '../brokers/catalogue.js';
import { ERROR_KINDS } from '../metrics/error-kinds.js';
import type { ScopeCounts } from '../metrics/interval-recorder.js';
import { LATENCY_BUCKETS_SECONDS, OTLP_METRICS } from '../metrics/names.js';
import type { RunResult } from '../result/run-result.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { VERSION } from '../version.js';
import type { LiveUpdate, Reporter, RunStart } from './reporter.js';
import {
  createExporter,
  EXPORT_TIMEOUT_MS,
  processAttributes,
  RESOURCE_DETECTORS,
  shownEndpoint,
  WatchedExporter,
} from './otlp-export.js';
import { serverAttributes, SLO_VALUE_UNITS, statusAttributes } from './otlp-attributes.js';
import { replay, sectionEmitter } from './otlp-sections.js';
import type { MetricEmitter, MetricLabels } from './section.js';

export interface OtlpOptions {
  /** Base endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT); undefined: the exporter reads the standard variables. */
  endpoint: string | undefined;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
  /** A failed export: a warning of the run (exit 3 with --strict-outputs). */
  warn(message: string): void;
}

/** A load test is short: export every 5 s unless OTEL_METRIC_EXPORT_INTERVAL says otherwise. */
const DEFAULT_EXPORT_INTERVAL_MS = 5000;

export interface Instruments {
  duration: Histogram;
  requests: Counter;
  errors: Counter;
  dropped: Counter;
  inFlight: Gauge;
  targetRate: Gauge;
  sloPass: Gauge;
  sloValue: Gauge;
  saturated: Gauge;
  messagesSent: Counter;
  messagesConsumed: Counter;
  publishDuration: Histogram;
  e2eLatency: Histogram;
  queueLag: Gauge;
  wsSessions: Counter;
  wsMessages: Counter;
  wsConnectDuration: Histogram;
  wsCloses: Counter;
}

function createInstruments(): Instruments {
  const meter = metrics.getMeter('backend-bench', VERSION);
  const o = OTLP_METRICS;
  const counter = (d: { name: string; unit: string; help: string }): Counter =>
    meter.createCounter(d.name, { unit: d.unit, description: d.help });
  const gauge = (d: { name: string; unit: string; help: string }): Gauge =>
    meter.createGauge(d.name, { unit: d.unit, description: d.help });
  const histogram = (d: { name: string; unit: string; help: string }): Histogram =>
    meter.createHistogram(d.name, {
      unit: d.unit,
      description: d.help,
      advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] },
    });
  return {
    duration: histogram(o.httpClientDuration),
    requests: counter(o.requests),
    errors: counter(o.errors),
    dropped: counter(o.dropped),
    inFlight: gauge(o.inFlight),
    targetRate: gauge(o.targetRate),
    sloPass: gauge(o.sloPass),
    sloValue: gauge(o.sloValue),
    saturated: gauge(o.saturated),
    messagesSent: counter(o.messagesSent),
    messagesConsumed: counter(o.messagesConsumed),
    publishDuration: histogram(o.publishDuration),
    e2eLatency: histogram(o.e2eLatency),
    queueLag: gauge(o.queueLag),
    wsSessions: counter(o.wsSessions),
    wsMessages: counter(o.wsMessages),
    wsConnectDuration: histogram(o.wsConnectDuration),
    wsCloses: counter(o.wsCloses),
  };
}

export class OtlpReporter implements Reporter {
  private readonly m: Instruments;
  private perRequest = new Map<string, Attributes>();
  /** Request attributes plus a status row's, by request and (status, error): made once, reused each interval. */
  private perStatus = new Map<string, Attributes>();
  private server: Attributes = {};
  private messagingSystem: string | undefined;
  /** Scopes that are HTTP requests (they have a method), which get http.client.request.duration. */
  private httpScopes = new Set<string>();
  private closed = false;
  private ended = false;
  private destinations: Readonly<Record<string, string>> = {};
  private readonly perErrorKind = new Map<string, Attributes>();
  readonly name = 'otlp';

  private constructor(
    private readonly sdk: NodeSDK,
    private readonly reader: PeriodicExportingMetricReader,
    private readonly exporter: WatchedExporter,
  ) {
    this.m = createInstruments();
  }

  /** Starts the SDK before the run, so a bad protocol or endpoint is an input error before any traffic. */
  static create(options: OtlpOptions): OtlpReporter {
    const shown = shownEndpoint(options.endpoint, options.env);
    const exporter = new WatchedExporter(createExporter(options.endpoint, options.env), (why) =>
      options.warn(`export to ${shown} failed: ${why}`),
    );
    const asked = Number(options.env.OTEL_METRIC_EXPORT_INTERVAL ?? DEFAULT_EXPORT_INTERVAL_MS);
    const interval = Number.isFinite(asked) && asked > 0 ? asked : DEFAULT_EXPORT_INTERVAL_MS;
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: interval,
      exportTimeoutMillis: Math.min(interval, EXPORT_TIMEOUT_MS),
    });
    const sdk = new NodeSDK({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: 'backend-bench',
        [ATTR_SERVICE_VERSION]: VERSION,
        ...processAttributes(),
      }),
      // Not the SDK's default detectors: its process detector exports the command line, secrets included.
      resourceDetectors: RESOURCE_DETECTORS,
      metricReaders: [reader],
      // Metrics only: no spans or logs are produced, so no pipelines for them.
      spanProcessors: [],
      logRecordProcessors: [],
      instrumentations: [],
    });
    sdk.start();
    options.log(`otlp: exporting metrics to ${shown}`);
    return new OtlpReporter(sdk, reader, exporter);
  }

  onStart(start: RunStart): void {
    // A reporter may serve several runs (capacity's steps): each ends on its own final values.
    this.ended = false;
    this.server = {
      ...serverAttributes(start.serverUrl),
      'backend_bench.run_id': start.runId,
      'backend_bench.scenario': start.scenario,
    };
    this.messagingSystem = messagingSystemOf(start.target);
    this.destinations = start.destinations ?? {};
    for (const name of start.requests) {
      const method = start.requestMethods?.[name];
      if (method !== undefined) this.httpScopes.add(name);
      this.perRequest.set(name, {
        ...this.server,
        // A flow step goes to its own service: its server.address and server.port, not the run's.
        ...serverAttributes(start.scopeServers?.[name]),
        ...this.messaging(name),
        'backend_bench.request': name,
        ...(method === undefined ? {} : { 'http.request.method': method }),
      });
    }
  }

  /** messaging.system and messaging.destination.name of a queue, as the messaging conventions want them. */
  private messaging(queue: string | undefined): Attributes {
    const destination = queue === undefined ? undefined : this.destinations[queue];
    if (destination === undefined) return {};
    const attrs: Attributes = { 'messaging.destination.name': destination };
    if (this.messagingSystem !== undefined) attrs['messaging.system'] = this.messagingSystem;
    return attrs;
  }

  onInterval(update: LiveUpdate): void {
    const interval = update.interval;
    if (interval === undefined) return;
    for (const [name, s] of interval.scopes) {
      const attrs = this.perRequest.get(name) ?? { ...this.server, 'backend_bench.request': name };
      // Only HTTP requests get HTTP durations: an event run's scopes count publishes, which have no method.
      if (this.httpScopes.has(name)) this.recordDurations(name, s, attrs);
      // Zeros too: a series that exists from the first second reads 0, not "no data", on a board.
      this.m.requests.add(s.requests, attrs);
      this.m.dropped.add(s.dropped, attrs);
    }
    for (const kind of ERROR_KINDS) this.m.errors.add(interval.errorsByKind[kind], this.errorAttrs(kind));
    this.m.inFlight.record(interval.inFlight, this.server);
    this.m.targetRate.record(interval.targetRate, this.server);
    if (update.generator !== undefined) this.m.saturated.record(update.generator.saturated ? 1 : 0, this.server);
    this.recordVerdicts(update.verdicts ?? []);
    const emitter = this.sectionEmitter();
    for (const section of update.sections ?? []) section.emit(emitter);
  }

  private errorAttrs(kind: string): Attributes {
    let attrs = this.perErrorKind.get(kind);
    if (attrs === undefined) this.perErrorKind.set(kind, (attrs = { ...this.server, 'error.type': kind }));
    return attrs;
  }

  /** One duration series per response status (and error type), from the interval's status rows. */
  private recordDurations(name: string, s: ScopeCounts, attrs: Attributes): void {
    const rows = s.statuses ?? [];
    if (rows.length === 0) {
      replay(this.m.duration, s.latency, attrs);
      return;
    }
    for (const row of rows) {
      if (row.latency.totalCount === 0) continue;
      const key = `${name}\u0000${row.status}\u0000${row.error ?? ''}`;
      let withStatus = this.perStatus.get(key);
      if (withStatus === undefined) this.perStatus.set(key, (withStatus = { ...attrs, ...statusAttributes(row) }));
      replay(this.m.duration, row.latency, withStatus);
    }
  }

  /** Catalogue metrics of the workload's live sections that OTLP carries; the rest are left out. */
  private sectionEmitter(): MetricEmitter {
    return sectionEmitter(this.m, (labels, own) => this.sectionAttributes(labels, own));
  }

  /** A section's labels become backend_bench.<label> attributes beside the run's and the metric's own. */
  private sectionAttributes(labels: MetricLabels, own: Attributes): Attributes {
    const attrs: Attributes = { ...this.server };
    for (const [label, value] of Object.entries(labels)) attrs[`backend_bench.${label}`] = value;
    if (this.messagingSystem !== undefined) attrs['messaging.system'] = this.messagingSystem;
    return { ...attrs, ...this.messaging(labels.queue), ...own };
  }

  private recordVerdicts(verdicts: readonly SloVerdict[]): void {
    for (const v of verdicts) {
      const attrs = { ...this.server, 'backend_bench.slo': v.expr, 'backend_bench.slo.metric': v.metric };
      this.m.sloPass.record(v.pass ? 1 : 0, attrs);
      if (v.value === null) continue;
      const { value, unit } = SLO_VALUE_UNITS[v.unit](v.value);
      this.m.sloValue.record(value, { ...attrs, 'backend_bench.slo.unit': unit });
    }
  }

  /**
   * Records the final values and exports them once, within the exporter's bound; a failure has already been
   * reported by the watched exporter. Nothing is exported after this (the shutdown's own export is skipped).
   */
  async deliver(result: RunResult): Promise<void> {
    this.recordFinal(result);
    try {
      await this.reader.forceFlush();
    } catch {
      // Reported by the exporter as a warning of the run.
    } finally {
      this.exporter.finish();
    }
  }

  /** Without a delivery, the shutdown in close() exports the final values. */
  onEnd(result: RunResult): void {
    if (!this.ended) this.recordFinal(result);
  }

  private recordFinal(result: RunResult): void {
    this.ended = true;
    this.recordVerdicts(result.slos);
    this.m.saturated.record(result.generator.saturated ? 1 : 0, this.server);
    this.m.inFlight.record(0, this.server);
  }

  /** Stops the SDK: after a delivery nothing is left to send; otherwise one last export, bounded like every export. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sdk.shutdown().catch(() => undefined);
  }
}
