import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import type { CompareOptions } from './commands/compare.js';
import type { K8sRenderFlags } from './commands/k8s-render.js';
import type { ReportFormat } from './commands/report.js';
import type { RunCliOptions } from './commands/run-cli.js';
import { registerImport } from './commands/import-command.js';
import { BenchError, ExitCode } from './errors.js';
import { OUTPUTS, type OutputFlags } from './reporters/registry.js';
import { DEMOS, demoNames, startDemo, type DemoName } from './targets/launch.js';
import { VERSION } from './version.js';

/*
 * Start-up stays fast (`--help`, `validate`): each command's module, with the engines, reporters and broker
 * clients it needs, is imported by its action, only when that command runs.
 */

/** `report --format` choices; the type check keeps them in step with REPORT_FORMATS. */
const REPORT_FORMAT_NAMES = ['md', 'junit', 'html'] as const satisfies readonly ReportFormat[];
const everyReportFormat: Exclude<ReportFormat, (typeof REPORT_FORMAT_NAMES)[number]> extends never ? true : never =
  true;
void everyReportFormat;

async function terminalColor(): Promise<{ color: boolean }> {
  const { colorEnabled } = await import('./reporters/terminal.js');
  return { color: colorEnabled(process.stdout) };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function demoCommand(name: string, options: { port: string }): Promise<number> {
  const demo = await startDemo(name as DemoName, { port: Number(options.port) });
  process.stdout.write(`demo ${name} listening on ${demo.url} (pid ${demo.pid}); Ctrl-C to stop\n`);
  for (const [service, url] of Object.entries(demo.services)) process.stdout.write(`  ${service.padEnd(10)} ${url}\n`);
  // The launcher unrefs the child so a run never waits on it; here waiting is the point.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await demo.stop();
  return ExitCode.Pass;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('backend-bench')
    .description('Load testing with latency you can trust and SLO gates for CI')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`backend-bench: ${text.replace(/^error: /, '')}`) });

  const run = program
    .command('run')
    .description('run a scenario file, or an ad-hoc test with --url')
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--url <url>', 'target URL (ad-hoc run), or base URL overriding the scenario target')
    .option('--method <method>', 'HTTP method for every request')
    .option('--header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('--body <body>', 'request body')
    .option('--rate <n>', 'open model: requests started per second')
    .option('--connections <n>', 'closed model: concurrent keep-alive connections')
    .option('--duration <d>', 'how long to run, e.g. 30s, 2m')
    .option('--timeout <d>', 'per-request timeout (default 10s)')
    .option('--max-in-flight <n>', 'open model: cap on requests in flight')
    .option('--slo <expr>', "SLO, e.g. 'p95 < 200ms' (repeatable; replaces the scenario's)", collect)
    .option('-q, --quiet', 'no live progress, only the summary')
    .option('--workers <n>', 'worker threads generating load (default: one per core, less one for a local target)')
    .option('--shard <i/n>', 'run shard i of n of the load (e.g. 2/4); merge the shard results with `merge`');
  for (const def of Object.values(OUTPUTS)) for (const [flags, help] of def.options) run.option(flags, help);
  run.action(async (file: string | undefined, options: RunCliOptions) => {
    const { runCommand } = await import('./commands/run-cli.js');
    setExit(await runCommand(file, options));
  });

  program
    .command('report')
    .description('re-render a saved JSON result (from run --out) as Markdown, JUnit XML or HTML')
    .argument('<result>', 'result JSON file')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMAT_NAMES).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (file: string, options: { format: string; out?: string }) => {
      const { reportCommand } = await import('./commands/report.js');
      setExit(await reportCommand(file, options, process.stdout));
    });

  program
    .command('compare')
    .description('compare a run against a baseline result; exit 1 when a figure regressed beyond its budget')
    .argument('<baseline>', 'baseline result JSON')
    .argument('<current>', 'current result JSON')
    .option(
      '--max-regression <metric=N%>',
      'budget override, e.g. p95=10%, error_rate=0.5%, rps=5%, p999=off, e2e_p99=10%, lost=0 (repeatable)',
      collect,
    )
    .option('--markdown <file>', 'also write the comparison as Markdown (for a PR comment)')
    .action(async (baseline: string, current: string, options: CompareOptions) => {
      const [{ compareCommand }, { Chalk }, { color }] = await Promise.all([
        import('./commands/compare.js'),
        import('chalk'),
        terminalColor(),
      ]);
      setExit(
        await compareCommand(baseline, current, options, {
          write: (t) => process.stdout.write(t),
          color: new Chalk({ level: color ? 1 : 0 }),
        }),
      );
    });

  const merge = program
    .command('merge')
    .description(
      'merge the results of the shards of one run (run --shard i/n) into one result, and judge its SLOs once',
    )
    .argument('<results...>', 'shard result JSON files (run --out)');
  for (const name of ['json', 'junit', 'markdown', 'html'] as const)
    for (const [flags, help] of OUTPUTS[name].options) merge.option(flags, help);
  merge.action(async (files: string[], options: OutputFlags) => {
    const [{ mergeCommand }, { TerminalReporter }, { color }] = await Promise.all([
      import('./commands/merge.js'),
      import('./reporters/terminal.js'),
      terminalColor(),
    ]);
    const terminal = new TerminalReporter({ progress: process.stderr, summary: process.stdout, color });
    const warn = (line: string): void => void process.stderr.write(`${line}\n`);
    const ctx = { signal: new AbortController().signal, env: process.env, log: warn, warn };
    setExit((await mergeCommand(files, options, terminal, ctx)).exitCode);
  });

  program
    .command('k8s')
    .description('Kubernetes: run a scenario as shards of an Indexed Job')
    .command('render')
    .description(
      'print a ConfigMap (the scenario) and an Indexed Job whose pod k runs --shard k/N (apply with kubectl)',
    )
    .argument('<scenario>', 'scenario file (with its CSV data file, if any)')
    .requiredOption('--shards <n>', 'number of pods, each running one shard')
    .requiredOption('--image <image>', 'container image of backend-bench (see the Dockerfile)')
    .option('--namespace <ns>', 'namespace of the ConfigMap and Job')
    .option('--name <name>', 'name of the ConfigMap and Job (default: bb-<scenario>)')
    .option('--cpu <quantity>', 'CPU request per pod; one worker thread per whole CPU (default 1)')
    .option('--memory <quantity>', 'memory request and limit per pod (default 512Mi)')
    .option('--pushgateway <url>', 'each pod also pushes its metrics to this Pushgateway')
    .option(
      '--env-from-secret <secret>',
      "a Secret whose keys become the pods' environment (for ${VARS} in the scenario)",
    )
    .action(async (file: string, options: K8sRenderFlags) => {
      const { k8sRenderCommand } = await import('./commands/k8s-render.js');
      const warn = (line: string): void => void process.stderr.write(`${line}\n`);
      setExit(await k8sRenderCommand(file, options, { write: (t) => process.stdout.write(t), warn }));
    });

  program
    .command('pushgateway-delete')
    .description("delete a run's metrics group from a Prometheus Pushgateway")
    .argument('<url>', 'Pushgateway URL, e.g. http://127.0.0.1:9091')
    .argument('<run-id>', 'the run id (printed by run, and in the JSON result)')
    .action(async (url: string, runId: string) => {
      const { deletePushedRun } = await import('./reporters/prometheus/prometheus.js');
      await deletePushedRun(url, runId);
      process.stdout.write(`deleted run ${runId} from ${url}\n`);
      setExit(ExitCode.Pass);
    });

  program
    .command('validate')
    .description('check scenario files without sending any traffic')
    .argument('<files...>', 'scenario files')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./commands/validate.js');
      setExit(await validateCommand(files));
    });

  registerImport(program, setExit);

  program
    .command('demo')
    .description(
      `start an embedded demo system alone (${demoNames()
        .map((n) => `${n}: ${DEMOS[n].description}`)
        .join('; ')})`,
    )
    .addArgument(program.createArgument('<name>', 'demo name').choices(demoNames()))
    .addOption(new Option('--port <port>', 'port on 127.0.0.1').default('3000'))
    .action(async (name: string, options: { port: string }) => setExit(await demoCommand(name, options)));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action(async (options: { out?: string }) => {
      const { scenarioJsonSchema } = await import('./scenario/schema.js');
      const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else await writeFile(options.out, text);
      setExit(ExitCode.Pass);
    });
  return program;
}

/** The only place errors become exit codes. Returns the code; the bin sets process.exitCode. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Pass;
  const program = buildProgram((code) => (exitCode = code));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; a usage mistake is ours to number.
      return err.exitCode === 0 ? ExitCode.Pass : ExitCode.InvalidInput;
    }
    if (err instanceof BenchError) {
      process.stderr.write(`backend-bench: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    process.stderr.write(`backend-bench: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('run again with --debug for details\n');
    return ExitCode.RunFailed;
  }
}
