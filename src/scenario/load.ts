import { relative } from 'node:path';
import { Document, LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { InputError, ScenarioError } from '../errors.js';
import { interpolateEnv } from './env-interpolate.js';
import { byPosition, formatPath } from './field-path.js';
import { looseProblems, unquotedSloHint } from './loose-checks.js';
import { readScenarioText } from './read-text.js';
import { Scenario, type ScenarioConfig } from './schema.js';
import { openUnions } from './union-issues.js';

export interface LoadedScenario {
  /** The path as shown in messages (relative to the working directory when inside it). */
  file: string;
  config: ScenarioConfig;
  /** "file:line:col" of a field, for problems found after validation (plan time). */
  locate(path: readonly (string | number)[]): string;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** "file:line:col" for the deepest node of `path` that exists in the document. */
function locate(doc: Document, counter: LineCounter, shown: string, path: readonly PropertyKey[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return `${shown}:${line}:${col}`;
    }
  }
  return shown;
}

function parseYaml(text: string, shown: string): { doc: Document; counter: LineCounter; data: unknown } {
  const counter = new LineCounter();
  // maxAliasCount guards against "billion laughs" alias bombs; uniqueKeys catches copy-paste duplicates.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = counter.linePos(first.pos[0]);
    const where = `${shown}:${pos.line}:${pos.col}`;
    throw new InputError(`${where}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`${shown}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  return { doc, counter, data };
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  return sloHintFor(issue, data) ?? issue.message;
}

/** An SLO entry written as a YAML mapping by mistake: the hint says to quote it (kept whole, not opened). */
function sloHintFor(issue: z.core.$ZodIssue, data: unknown): string | undefined {
  if (issue.path.length !== 2 || issue.path[0] !== 'slos') return undefined;
  return unquotedSloHint(valueAt(data, issue.path));
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates parsed data; every problem is listed with file:line:col and the field path. When the schema (or an
 * unset variable) rejects the data, template and SLO syntax are still checked on what parsed, so one pass reports
 * everything.
 */
export function validateScenario(data: unknown, shown: string, doc?: Document, counter?: LineCounter): ScenarioConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(shown, ['a scenario is a mapping with target, load and requests']);
  }
  const { value, problems: envProblems } = interpolateEnv(data, process.env);
  const where = (path: readonly PropertyKey[]): string => (doc && counter ? locate(doc, counter, shown, path) : shown);
  const problems = envProblems.map((p) => `${where(p.path)} ${formatPath(p.path)}: ${p.message}`);
  const parsed = Scenario.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap((i) => (sloHintFor(i, value) ? [i] : openUnions([i])))) {
      // Point an unknown key at the key itself, not at the mapping that holds it.
      const at =
        issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
      problems.push(`${where(at)} ${formatPath(issue.path)}: ${describeIssue(issue, value)}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    for (const p of looseProblems(value as Record<string, unknown>)) {
      problems.push(`${where(p.path)} ${formatPath(p.path)}: ${p.message}`);
    }
    throw new ScenarioError(shown, problems.sort(byPosition));
  }
  return parsed.data;
}

/**
 * Reads, parses and validates a scenario file. `adjust` may change the parsed data first (command-line
 * overrides), so what the flags set is validated exactly like what the file says.
 */
export async function loadScenario(file: string, adjust?: (data: unknown) => unknown): Promise<LoadedScenario> {
  const shown = displayPath(file);
  const text = await readScenarioText(file, shown);
  const { doc, counter, data } = parseYaml(text, shown);
  const adjusted = adjust === undefined ? data : adjust(data);
  return {
    file: shown,
    config: validateScenario(adjusted, shown, doc, counter),
    locate: (path) => locate(doc, counter, shown, path),
  };
}
