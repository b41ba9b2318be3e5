/**
 * How a run's OTLP metrics leave the process: an exporter for the protocol the standard variables name, watched
 * so that a failed export is a warning of the run rather than silence, bounded so that the end of a run never
 * waits long on a collector that is down, and a resource that carries nothing from the command line.
 */
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { envDetector, hostDetector, osDetector, type ResourceDetector } from '@opentelemetry/resources';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { InputError } from '../errors.js';
import { redactUrl, redactUrlsInText } from '../scenario/redact.js';
import { END_DELIVERY_MS } from './live-outputs.js';

/** Every export, the last one included, gives up after this long (retries included): the run's delivery bound. */
export const EXPORT_TIMEOUT_MS = END_DELIVERY_MS;

type Export = PushMetricExporter['export'];
type ExportDone = Parameters<Export>[1];
type ExportResult = Parameters<ExportDone>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const SUCCESS = 0;

const EXPORTERS = {
  'http/protobuf': (url: string | undefined) => new ProtoExporter({ url, timeoutMillis: EXPORT_TIMEOUT_MS }),
  'http/json': (url: string | undefined) => new JsonExporter({ url, timeoutMillis: EXPORT_TIMEOUT_MS }),
} satisfies Record<string, (url: string | undefined) => PushMetricExporter>;

/** Like OTEL_EXPORTER_OTLP_ENDPOINT, --otlp names the base URL; the signal path is appended. */
const signalUrl = (base: string): string => base.replace(/\/+$/, '').replace(/(\/v1\/metrics)?$/, '/v1/metrics');

/** Where metrics go, as the exporter resolves it, for messages (credentials and secret params redacted). */
export function shownEndpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  const url =
    endpoint !== undefined
      ? signalUrl(endpoint)
      : (env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ??
        signalUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'));
  return redactUrl(url);
}

export function createExporter(endpoint: string | undefined, env: NodeJS.ProcessEnv): PushMetricExporter {
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (!Object.hasOwn(EXPORTERS, protocol)) {
    throw new InputError(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported (use http/protobuf or http/json)`);
  }
  return EXPORTERS[protocol as keyof typeof EXPORTERS](endpoint === undefined ? undefined : signalUrl(endpoint));
}

/**
 * Wraps the exporter: each failed export is reported (the reader would only hand it to OTel's silent diag
 * logger), and once the run's final export is done, later ones (the SDK's shutdown exports once more) are skipped,
 * so a collector that is down costs the end of the run one bounded attempt, not two.
 */
export class WatchedExporter implements PushMetricExporter {
  private finished = false;
  /** The OTLP exporter's choices (cumulative temporality, its aggregations) are kept as they are. */
  readonly selectAggregationTemporality: PushMetricExporter['selectAggregationTemporality'];
  readonly selectAggregation: PushMetricExporter['selectAggregation'];

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly onFailure: (message: string) => void,
  ) {
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
    this.selectAggregation = inner.selectAggregation?.bind(inner);
  }

  export(metrics: Parameters<Export>[0], done: ExportDone): void {
    if (this.finished) {
      done({ code: SUCCESS });
      return;
    }
    this.inner.export(metrics, (result: ExportResult) => {
      if (result.code !== SUCCESS) this.onFailure(redactUrlsInText(result.error?.message ?? 'export failed'));
      done(result);
    });
  }

  /** After the final export: nothing more leaves the process. */
  finish(): void {
    this.finished = true;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * Resource detectors without the SDK's process detector: its process.command_args, process.command_line,
 * process.command and process.executable.path carry the whole command line, and a --header token with it.
 * The resource gets process.pid and the runtime from `processAttributes` instead.
 */
export const RESOURCE_DETECTORS: ResourceDetector[] = [envDetector, hostDetector, osDetector];

export function processAttributes(): Record<string, string | number> {
  return {
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
  };
}
