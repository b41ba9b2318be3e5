import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { allSections } from '../workloads/registry.js';
import { SavedLatency } from './saved-latency.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from './run-result.js';

/**
 * The parts of a saved result that `report` and `compare` rely on; the rest passes through untouched.
 * Not a second definition of the result: a gate that a file is ours and of a version we read.
 */
const Scope = z
  .object({ requests: z.number(), rps: z.number(), errorRate: z.number(), latencyMs: SavedLatency })
  .loose();
/** What the workloads' sections need of their own fields (an event run's `events`), each optional. */
const sectionFields: Record<string, z.ZodType> = Object.fromEntries(
  allSections().flatMap((s) => Object.entries(s.savedFields ?? {})),
);
const SavedResult = z
  .object({
    tool: z.object({ name: z.literal('backend-bench') }).loose(),
    schemaVersion: z.number(),
    runId: z.string(),
    scenario: z.string(),
    metrics: Scope,
    byRequest: z.record(z.string(), Scope),
    slos: z.array(z.object({ expr: z.string(), pass: z.boolean() }).loose()),
    histograms: z.object({ total: z.string(), byRequest: z.record(z.string(), z.string()) }).loose(),
    timeseries: z.array(z.object({ t: z.number() }).loose()),
    ...sectionFields,
  })
  .loose();

/** Reads a JSON result written by `run --out`; anything else is an input error naming the file (exit 2). */
export async function readResultFile(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return checkResult(data, file);
}

export function checkResult(data: unknown, file: string): RunResult {
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  const tool = (data as { tool?: { name?: unknown } } | null)?.tool?.name;
  if (tool !== 'backend-bench') throw new InputError(`${file}: not a backend-bench result (tool.name is missing)`);
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(
      `${file}: result schemaVersion ${JSON.stringify(version)}, this backend-bench reads ${RESULT_SCHEMA_VERSION} (re-run, or use the matching version)`,
    );
  }
  const parsed = SavedResult.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${file}: malformed result at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return data as RunResult;
}
