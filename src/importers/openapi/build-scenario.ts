import { InputError } from '../../errors.js';
import { objectAt, stringAt, type JsonObject } from '../json-shape.js';
import { STARTER_SLOS, type ImportOutcome } from '../import-outcome.js';
import type { CommentedScenario } from '../scenario-yaml.js';
import { listOperations, type ApiOperation } from './operations.js';
import { buildRequest } from './request-builder.js';
import { localRef } from './schema-shape.js';
import { emptyAuth, placeAuth, type AuthPlacement } from './security.js';
import { baseUrl } from './server-url.js';

export interface OpenApiImportOptions {
  readonly tags: readonly string[];
  readonly path: RegExp | undefined;
  readonly operations: readonly string[];
  readonly includeDeletes: boolean;
  readonly baseUrl: string | undefined;
  /** Send to an embedded demo instead of a URL (`--demo monolith`). */
  readonly demo: string | undefined;
}

const STARTER_LOAD = { rate: 10, duration: '30s' } as const;

/** The scenario for a dereferenced document; `label` names the document in comments and messages. */
export function buildOpenApiScenario(doc: JsonObject, label: string, options: OpenApiImportOptions): ImportOutcome {
  const all = listOperations(doc);
  const chosen = all.filter((op) => selected(op, options));
  const deletes = all.filter(
    (op) => op.method === 'DELETE' && !chosen.includes(op) && selectedIgnoringDeletes(op, options),
  );
  if (chosen.length === 0) {
    throw new InputError(
      `${label}: no operations to import (${all.length} in the document; check --tag, --path, --operation)`,
    );
  }
  const names = uniqueNames(chosen);
  const headerAuth = emptyAuth();
  placeAuth([...new Set(chosen.flatMap((op) => op.security))], doc, headerAuth);
  const notes: CommentedScenario['notes'][number][] = [];
  const warnings: string[] = [...headerAuth.notes];
  const requests = chosen.map((op, i) => {
    const name = names[i] ?? `op-${i + 1}`;
    const opAuth = emptyAuth();
    placeAuth(op.security, doc, opAuth);
    const built = buildRequest(op, name, opAuth.query, (ref) => localRef(doc, ref));
    const title = `${op.method} ${op.path}${op.summary ? `: ${op.summary}` : ''}`;
    notes.push({ path: ['requests', i], lines: [title, ...built.info, ...built.notes.map((n) => `NOTE: ${n}`)] });
    warnings.push(...built.notes.map((n) => `${name}: ${n}`));
    return built.request;
  });
  const base = baseUrl(doc, label, options.baseUrl);
  if (base.note !== undefined && options.demo === undefined) warnings.push(base.note);
  const data: Record<string, unknown> = {
    name: slug(stringAt(objectAt(doc, 'info'), 'title') ?? 'imported-api'),
    target: target(options.demo ?? undefined, base.url, headerAuth),
    load: { ...STARTER_LOAD },
    requests,
    slos: [...STARTER_SLOS],
  };
  if (objectAt(doc, 'webhooks') !== undefined)
    warnings.push('webhooks are not imported (the tool sends requests, it does not receive them)');
  const header = headerLines(doc, label, chosen.length, deletes.length, headerAuth, base.note, options.demo);
  notes.push({ path: ['load'], lines: ['A gentle start: raise the rate (or use stages) once the requests pass.'] });
  notes.push({ path: ['slos'], lines: ['Starter SLOs: tighten them to your budgets.'] });
  const summary = [
    `${chosen.length} requests from ${all.length} operations${deletes.length > 0 ? `; ${deletes.length} DELETE left out (--include-deletes)` : ''}`,
  ];
  if (headerAuth.env.length > 0)
    summary.push(`set ${headerAuth.env.join(', ')} in the environment before validate/run`);
  return { scenario: { data, header, notes }, warnings, summary };
}

function selectedIgnoringDeletes(op: ApiOperation, o: OpenApiImportOptions): boolean {
  if (o.tags.length > 0 && !op.tags.some((t) => o.tags.includes(t))) return false;
  if (o.path !== undefined && !o.path.test(op.path)) return false;
  return o.operations.length === 0 || (op.operationId !== undefined && o.operations.includes(op.operationId));
}

function selected(op: ApiOperation, o: OpenApiImportOptions): boolean {
  if (!selectedIgnoringDeletes(op, o)) return false;
  const named = op.operationId !== undefined && o.operations.includes(op.operationId);
  return op.method !== 'DELETE' || o.includeDeletes || named;
}

function target(demo: string | undefined, url: string, auth: AuthPlacement): Record<string, unknown> {
  const t: Record<string, unknown> = demo !== undefined ? { demo } : { url };
  if (Object.keys(auth.headers).length > 0) t.headers = { ...auth.headers };
  return t;
}

/** Names SLOs can address: the operationId, else method and path ("get-pets-petId"), made unique. */
function uniqueNames(ops: readonly ApiOperation[]): string[] {
  const seen = new Map<string, number>();
  return ops.map((op) => {
    const base = op.operationId !== undefined ? scopeSafe(op.operationId) : slug(`${op.method} ${op.path}`);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

const scopeSafe = (s: string): string => s.replace(/[^A-Za-z0-9_./-]+/g, '-').replace(/^-+|-+$/g, '') || 'op';
const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[{}]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'op';

function headerLines(
  doc: JsonObject,
  label: string,
  count: number,
  deletes: number,
  auth: AuthPlacement,
  baseNote: string | undefined,
  demo: string | undefined,
): string[] {
  const info = objectAt(doc, 'info');
  const version =
    stringAt(doc, 'openapi') !== undefined
      ? `OpenAPI ${stringAt(doc, 'openapi')}`
      : `Swagger ${stringAt(doc, 'swagger') ?? '?'}`;
  const lines = [
    `Imported by \`backend-bench import openapi\` from ${label}`,
    `(${version}: "${stringAt(info, 'title') ?? 'untitled'}" ${stringAt(info, 'version') ?? ''}).`.replace(' )', ')'),
    `${count} operations, one request each. Weights: reads 3, writes 1.`,
  ];
  if (deletes > 0) lines.push(`${deletes} DELETE operations left out: re-import with --include-deletes to add them.`);
  if (auth.env.length > 0)
    lines.push(`Credentials come from the environment: set ${auth.env.join(', ')} before validate/run.`);
  if (baseNote !== undefined && demo === undefined) lines.push(`NOTE: ${baseNote}`);
  lines.push('Check with: backend-bench validate FILE; then: backend-bench run FILE');
  return lines;
}
