import type { RunResult } from '../result/run-result.js';
import { otlp, prometheus } from './live-outputs.js';
import type { OutputWarnings } from './output-warnings.js';
import type { Awaitable, Reporter } from './reporter.js';

/** The output flags of `run` (and, for the end-of-run outputs, `merge`), as commander hands them over. */
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
  /** --strict-outputs: a failed output (export, push, bind) fails the command with exit 3. */
  strictOutputs?: boolean;
}

export interface OutputContext {
  /** The user's Ctrl-C: cuts waits such as --linger short. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** One line of operational news (stderr), e.g. where /metrics is served; silent with --quiet. */
  log(line: string): void;
  /** A problem that does not fail the run: shown even with --quiet. */
  warn(line: string): void;
  /** Where outputs report their own failures (a failed export, push or bind): the summary and result list them. */
  warnings: OutputWarnings;
}

/** A saved result as text, e.g. for `report --format`. */
export type Renderer = (result: RunResult) => Promise<string>;

/**
 * One output format. Its capabilities decide which commands offer it: every output is an option of `run`;
 * `merge` offers those that are `endOfRun`; `report --format` offers those that can `rerender`.
 */
export interface OutputDef {
  /** What it is, for help text: "JUnit XML". */
  readonly label: string;
  /** Works while the run goes on (serves /metrics, exports OTLP); needs a live run, so `run` only. */
  readonly live: boolean;
  /** Writes once, from the finished result alone, so a merged result can have it too. */
  readonly endOfRun: boolean;
  /** Renders a saved result again, exactly as the run wrote it. */
  readonly rerender?: Renderer;
  /** commander option specs with their help text. */
  readonly options: readonly (readonly [flags: string, description: string])[];
  /** A reporter when its flags ask for one, else undefined. */
  create(flags: OutputFlags, ctx: OutputContext): Awaitable<Reporter | undefined>;
}

/**
 * Every output, by its one name (the name `report --format` takes). Each reporter's module (and the libraries
 * behind it: XML builder, prom-client, the OTel SDK) is imported only when it is used, so the CLI starts fast.
 */
export const OUTPUTS = {
  json: {
    label: 'JSON',
    live: false,
    endOfRun: true,
    rerender: async (r) => (await import('./json.js')).formatJson(r),
    options: [['--out <file>', 'write the JSON result to this file']],
    create: async (f) => (f.out === undefined ? undefined : new (await import('./json.js')).JsonReporter(f.out)),
  },
  junit: {
    label: 'JUnit XML',
    live: false,
    endOfRun: true,
    rerender: async (r) => (await import('./junit.js')).formatJunit(r),
    options: [['--junit <file>', 'write JUnit XML: one test case per SLO']],
    create: async (f) => (f.junit === undefined ? undefined : new (await import('./junit.js')).JunitReporter(f.junit)),
  },
  markdown: {
    label: 'Markdown',
    live: false,
    endOfRun: true,
    rerender: async (r) => (await import('./markdown.js')).formatMarkdown(r),
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
    label: 'HTML',
    live: false,
    endOfRun: true,
    rerender: async (r) => {
      const [{ formatHtml }, { loadChartAssets }] = await Promise.all([
        import('./html.js'),
        import('./html-assets.js'),
      ]);
      return formatHtml(r, await loadChartAssets());
    },
    options: [['--html <file>', 'write a self-contained HTML report with charts']],
    create: async (f) => (f.html === undefined ? undefined : new (await import('./html.js')).HtmlReporter(f.html)),
  },
  prometheus,
  otlp,
} satisfies Record<string, OutputDef>;

export type OutputName = keyof typeof OUTPUTS;

/** The outputs that can render a saved result: the names `report --format` takes. */
export type ReportFormat = {
  [K in OutputName]: (typeof OUTPUTS)[K] extends { rerender: Renderer } ? K : never;
}[OutputName];

/** Names `report --format` accepted before there was one name per format; still read, with a warning. */
export const DEPRECATED_FORMATS = { md: 'markdown' } as const satisfies Record<string, ReportFormat>;

const entries = (): [OutputName, OutputDef][] => Object.entries(OUTPUTS) as [OutputName, OutputDef][];

/** The outputs `merge` offers: those that write from a finished result alone. */
export function endOfRunOutputs(): OutputName[] {
  return entries()
    .filter(([, def]) => def.endOfRun)
    .map(([name]) => name);
}

/** The formats `report --format` offers, in registry order. */
export function reportFormats(): ReportFormat[] {
  return entries()
    .filter(([, def]) => def.rerender !== undefined)
    .map(([name]) => name as ReportFormat);
}

/** The format a `--format` value names (an old alias included), or undefined. */
export function reportFormatOf(name: string): ReportFormat | undefined {
  if (Object.hasOwn(DEPRECATED_FORMATS, name)) return DEPRECATED_FORMATS[name as keyof typeof DEPRECATED_FORMATS];
  return (reportFormats() as string[]).includes(name) ? (name as ReportFormat) : undefined;
}

/** The flag every command with outputs offers: `run` and `merge`. */
export const STRICT_OUTPUTS_OPTION = [
  '--strict-outputs',
  'a failed output (OTLP export, Pushgateway push, /metrics bind) fails the command with exit 3; by default it is a warning',
] as const;

/** Builds the reporters the flags ask for, among `names`; if one fails (a port in use), those already started are closed. */
export async function createOutputs(
  flags: OutputFlags,
  ctx: OutputContext,
  names: readonly OutputName[] = Object.keys(OUTPUTS) as OutputName[],
): Promise<Reporter[]> {
  const made: Reporter[] = [];
  try {
    for (const name of names) {
      const r = await (OUTPUTS[name] as OutputDef).create(flags, ctx);
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
