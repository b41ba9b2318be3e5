import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BenchError, ExitCode, InputError } from '../errors.js';
import type { ImportOutcome } from '../importers/import-outcome.js';
import { renderScenarioYaml } from '../importers/scenario-yaml.js';

/** `import openapi` and `import har`: read → build the scenario → write it, and say what was done. */
export interface ImportIo {
  write(text: string): void;
  warn(line: string): void;
}

export interface OpenApiFlags {
  out?: string;
  tag?: string[];
  path?: string;
  operation?: string[];
  includeDeletes?: boolean;
  baseUrl?: string;
  demo?: string;
}

export interface HarFlags {
  out?: string;
  include?: string[];
  exclude?: string[];
}

export async function importOpenApiCommand(source: string, flags: OpenApiFlags, io: ImportIo): Promise<number> {
  const [{ loadSpec }, { buildOpenApiScenario }, { assertLoopbackUrl, isUrl }] = await Promise.all([
    import('../importers/openapi/load-spec.js'),
    import('../importers/openapi/build-scenario.js'),
    import('../importers/loopback.js'),
  ]);
  if (isUrl(source)) assertLoopbackUrl(source, source);
  if (flags.baseUrl !== undefined && !/^https?:\/\//i.test(flags.baseUrl)) {
    throw new InputError(`--base-url: expected an http(s) URL, got ${flags.baseUrl}`);
  }
  const doc = await loadSpec(source);
  const outcome = wrapped(source, () =>
    buildOpenApiScenario(doc, source, {
      tags: flags.tag ?? [],
      path: regex('--path', flags.path),
      operations: flags.operation ?? [],
      includeDeletes: flags.includeDeletes === true,
      baseUrl: flags.baseUrl,
      demo: flags.demo,
    }),
  );
  return emit(source, outcome, flags.out, io);
}

export async function importHarCommand(file: string, flags: HarFlags, io: ImportIo): Promise<number> {
  const [{ readHar }, { buildHarScenario }] = await Promise.all([
    import('../importers/har/read-har.js'),
    import('../importers/har/build-flow.js'),
  ]);
  const har = await readHar(file);
  const include = (flags.include ?? []).map((r) => regex('--include', r) as RegExp);
  const exclude = (flags.exclude ?? []).map((r) => regex('--exclude', r) as RegExp);
  const outcome = wrapped(file, () => buildHarScenario(har, file, { include, exclude }));
  return emit(file, outcome, flags.out, io);
}

/**
 * Real-world documents hold shapes nobody foresaw: whatever the builder trips on is reported as one line about
 * the input (exit 2), never a stack trace.
 */
function wrapped<T>(file: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof BenchError) throw err;
    throw new InputError(`${file}: could not import: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

function regex(flag: string, source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (err) {
    throw new InputError(`${flag}: not a regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function emit(source: string, outcome: ImportOutcome, out: string | undefined, io: ImportIo): Promise<number> {
  for (const line of outcome.report ?? []) io.warn(line);
  for (const warning of outcome.warnings) io.warn(`warning: ${warning}`);
  const text = wrapped(source, () => renderScenarioYaml(outcome.scenario));
  if (out === undefined) {
    io.write(text);
  } else {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
    io.warn(`wrote ${out}: ${outcome.summary.join('; ')}`);
  }
  return ExitCode.Pass;
}
