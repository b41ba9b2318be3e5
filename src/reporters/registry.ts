import { InputError } from '../errors.js';
import { parseDuration } from '../scenario/duration.js';
import { parseListenAddress } from './prometheus/listen-address.js';
import type { Awaitable, Reporter } from './reporter.js';

/** The output flags of `run`, as commander hands them over. */
export interface OutputFlags {
  out?: string;
  junit?: string;
  markdown?: string;
  html?: string;
  prometheus?: string;
  linger?: string;
  pushgateway?: string;
  /** true when given without a URL: the standard OTEL_EXPORTER_OTLP_* variables decide. */
  otlp?: string | true;
}

export interface OutputContext {
  /** The user's Ctrl-C: cuts waits such as --linger short. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** One line of operational news (stderr), e.g. where /metrics is served; silent with --quiet. */
  log(line: string): void;
  /** A problem that does not fail the run (a failed push): shown even with --quiet. */
  warn(line: string): void;
}

export interface OutputDef {
  /** commander option specs with their help text. */
  options: readonly (readonly [flags: string, description: string])[];
  /** A reporter when its flags ask for one, else undefined. */
  create(flags: OutputFlags, ctx: OutputContext): Awaitable<Reporter | undefined>;
}

/** One scrape interval of the common Prometheus set-up (15 s), so the last values are scraped once. */
export const DEFAULT_LINGER_MS = 15_000;

function lingerMs(flags: OutputFlags): number {
  if (flags.linger === undefined) return DEFAULT_LINGER_MS;
  const ms = parseDuration(flags.linger);
  if (ms === undefined) throw new InputError(`--linger "${flags.linger}": not a duration (use e.g. 15s, 500ms, 0)`);
  return ms;
}

const prometheus: OutputDef = {
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
      throw new InputError(`--pushgateway "${flags.pushgateway}": expected an http(s) URL, e.g. http://127.0.0.1:9091`);
    }
    const { PrometheusReporter } = await import('./prometheus/prometheus.js');
    return PrometheusReporter.create({
      listen: flags.prometheus === undefined ? undefined : parseListenAddress(flags.prometheus, '--prometheus'),
      pushgateway: flags.pushgateway,
      lingerMs: lingerMs(flags),
      signal: ctx.signal,
      log: ctx.log,
      warn: ctx.warn,
    });
  },
};

const otlp: OutputDef = {
  options: [['--otlp [url]', 'export OpenTelemetry metrics over OTLP/HTTP (default: OTEL_EXPORTER_OTLP_ENDPOINT)']],
  // Imported only when asked for: the SDK is large and a plain run should not pay for loading it.
  create: async (flags, ctx) => {
    if (flags.otlp === undefined) return undefined;
    const endpoint = flags.otlp === true ? undefined : flags.otlp;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
      throw new InputError(`--otlp "${endpoint}": expected an http(s) URL, e.g. http://127.0.0.1:4318`);
    }
    const { OtlpReporter } = await import('./otlp.js');
    return OtlpReporter.create({ endpoint, env: ctx.env, log: ctx.log, warn: ctx.warn });
  },
};

/**
 * Every output of `run`, by name; cli.ts adds their flags and builds the ones asked for. Each reporter's module
 * (and the libraries behind it: XML builder, prom-client, the OTel SDK) is imported only when its flag is given,
 * so the CLI starts fast.
 */
export const OUTPUTS = {
  json: {
    options: [['--out <file>', 'write the JSON result to this file']],
    create: async (f) => (f.out === undefined ? undefined : new (await import('./json.js')).JsonReporter(f.out)),
  },
  junit: {
    options: [['--junit <file>', 'write JUnit XML: one test case per SLO']],
    create: async (f) => (f.junit === undefined ? undefined : new (await import('./junit.js')).JunitReporter(f.junit)),
  },
  markdown: {
    options: [['--markdown <file>', 'write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)']],
    create: async (f, ctx) =>
      f.markdown === undefined
        ? undefined
        : new (await import('./markdown.js')).MarkdownReporter({
            file: f.markdown,
            stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
          }),
  },
  html: {
    options: [['--html <file>', 'write a self-contained HTML report with charts']],
    create: async (f) => (f.html === undefined ? undefined : new (await import('./html.js')).HtmlReporter(f.html)),
  },
  prometheus,
  otlp,
} satisfies Record<string, OutputDef>;

export type OutputName = keyof typeof OUTPUTS;

/** Builds the reporters the flags ask for; if one fails (a port in use), those already started are closed. */
export async function createOutputs(flags: OutputFlags, ctx: OutputContext): Promise<Reporter[]> {
  const made: Reporter[] = [];
  try {
    for (const def of Object.values(OUTPUTS) as OutputDef[]) {
      const r = await def.create(flags, ctx);
      if (r !== undefined) made.push(r);
    }
    return made;
  } catch (err) {
    await closeReporters(made);
    throw err;
  }
}

/** Closes every reporter (in parallel: a linger and an OTLP flush overlap). */
export async function closeReporters(reporters: readonly Reporter[]): Promise<void> {
  await Promise.all(reporters.map((r) => r.close?.()));
}
