import { InputError } from '../errors.js';
import { parseDuration } from '../scenario/duration.js';
import { displayUrl } from '../scenario/redact.js';
import { isEveryInterface, parseListenAddress } from './prometheus/listen-address.js';
import type { OutputDef, OutputFlags } from './registry.js';

/** How long the end of a run waits for the live outputs to deliver (the push, the last OTLP export) before it reports. */
export const END_DELIVERY_MS = 2000;
/** The push gives up this much before the bound, so its own failure is the warning. */
const PUSH_MARGIN_MS = 300;

/** One scrape interval of the common Prometheus set-up (15 s), so the last values are scraped once. */
export const DEFAULT_LINGER_MS = 15_000;

function lingerMs(flags: OutputFlags): number {
  if (flags.linger === undefined) return DEFAULT_LINGER_MS;
  const ms = parseDuration(flags.linger);
  if (ms === undefined) throw new InputError(`--linger "${flags.linger}": not a duration (use e.g. 15s, 500ms, 0)`);
  return ms;
}

/** /metrics during the run, and the Pushgateway push that needs the run's live registry: `run` only. */
export const prometheus: OutputDef = {
  label: 'Prometheus',
  live: true,
  endOfRun: false,
  options: [
    ['--prometheus <[host:]port>', 'serve Prometheus /metrics during the run (host defaults to 127.0.0.1)'],
    [
      '--linger <duration>',
      `with --prometheus: keep /metrics up this long after the run (default ${DEFAULT_LINGER_MS / 1000}s)`,
    ],
    ['--pushgateway <url>', 'push the end-of-run metrics to a Prometheus Pushgateway, grouped by run_id'],
  ],
  create: async (flags, ctx) => {
    if (flags.prometheus === undefined && flags.linger !== undefined)
      throw new InputError('--linger needs --prometheus');
    if (flags.prometheus === undefined && flags.pushgateway === undefined) return undefined;
    if (flags.pushgateway !== undefined && !/^https?:\/\//.test(flags.pushgateway)) {
      const shown = displayUrl(flags.pushgateway);
      throw new InputError(`--pushgateway "${shown}": expected an http(s) URL, e.g. http://127.0.0.1:9091`);
    }
    const listen = flags.prometheus === undefined ? undefined : parseListenAddress(flags.prometheus, '--prometheus');
    if (listen !== undefined && isEveryInterface(listen.host)) {
      ctx.warn(
        `warning: --prometheus ${flags.prometheus}: /metrics is exposed on every interface, to anyone who can reach this machine (use 127.0.0.1:${listen.port} to keep it local)`,
      );
    }
    const { PrometheusReporter } = await import('./prometheus/prometheus.js');
    return PrometheusReporter.create({
      listen,
      pushgateway: flags.pushgateway,
      lingerMs: lingerMs(flags),
      signal: ctx.signal,
      log: ctx.log,
      warn: (output, message) => ctx.warnings.add(output, message),
      // Under the run's bound, so a Pushgateway that never answers is reported as the push that timed out
      // (pushgateway: ...), not as the bound cutting the whole output short (prometheus: did not finish).
      pushTimeoutMs: END_DELIVERY_MS - PUSH_MARGIN_MS,
    });
  },
};

export const otlp: OutputDef = {
  label: 'OpenTelemetry (OTLP)',
  live: true,
  endOfRun: false,
  options: [['--otlp [url]', 'export OpenTelemetry metrics over OTLP/HTTP (default: OTEL_EXPORTER_OTLP_ENDPOINT)']],
  // Imported only when asked for: the SDK is large and a plain run should not pay for loading it.
  create: async (flags, ctx) => {
    if (flags.otlp === undefined) return undefined;
    const endpoint = flags.otlp === true ? undefined : flags.otlp;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
      throw new InputError(`--otlp "${displayUrl(endpoint)}": expected an http(s) URL, e.g. http://127.0.0.1:4318`);
    }
    const { OtlpReporter } = await import('./otlp.js');
    return OtlpReporter.create({
      endpoint,
      env: ctx.env,
      log: ctx.log,
      warn: (line) => ctx.warnings.add('otlp', line),
    });
  },
};
