import { checkScopes } from '../slo/evaluate.js';
import { parseThreshold, type Threshold } from '../slo/parse.js';
import { requestNames } from './request-name.js';
import { compileString } from './template.js';

/**
 * Checks that need no valid schema: template syntax and SLO expressions, run on the raw data of a scenario the
 * schema rejected, so one pass lists every problem (a `rate: fast` does not hide a `{{sequ}}` elsewhere).
 * When the schema accepts the scenario, the planner runs the same checks on the typed config instead.
 */

type FieldPath = (string | number)[];
export interface LooseProblem {
  path: FieldPath;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The request fields whose strings are templates. */
const TEMPLATED = ['path', 'query', 'headers', 'body', 'json', 'key'] as const;

function templateProblems(value: unknown, path: FieldPath, out: LooseProblem[]): void {
  if (typeof value === 'string') {
    try {
      compileString(value);
    } catch (err) {
      out.push({ path, message: (err as Error).message });
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => templateProblems(v, [...path, i], out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) templateProblems(v, [...path, k], out);
}

function requestProblems(request: unknown, at: FieldPath, out: LooseProblem[]): void {
  if (!isRecord(request)) return;
  for (const field of TEMPLATED) if (field in request) templateProblems(request[field], [...at, field], out);
}

/** The message for an SLO entry that is not a string or an { expr } mapping; undefined when it is one. */
export function unquotedSloHint(entry: unknown): string | undefined {
  if (!isRecord(entry) || 'expr' in entry) return undefined;
  const [first, ...more] = Object.entries(entry);
  if (first === undefined || more.length > 0 || typeof first[1] !== 'string') return undefined;
  const text = `${first[0]}: ${first[1]}`;
  return `quote it: write "${text}" (unquoted, YAML reads "${first[0]}: ..." as a mapping, not an SLO)`;
}

/**
 * The request names of a plain HTTP scenario, when every request is readable enough to name; undefined for
 * other workloads (flows, events, WebSocket, gRPC calls), whose scopes only the planner knows.
 */
function plainRequestNames(data: Record<string, unknown>): string[] | undefined {
  if (!Array.isArray(data.requests) || ['flows', 'events', 'websocket'].some((k) => k in data)) return undefined;
  const requests: { name?: string; method: string; path: string }[] = [];
  for (const r of data.requests as unknown[]) {
    if (!isRecord(r) || 'call' in r) return undefined;
    const { name, method = 'GET', path } = r;
    if (name !== undefined && typeof name !== 'string') return undefined;
    if (typeof method !== 'string' || (name === undefined && typeof path !== 'string')) return undefined;
    requests.push({ ...(name !== undefined && { name }), method, path: typeof path === 'string' ? path : '' });
  }
  return requestNames(requests);
}

function sloProblems(data: Record<string, unknown>, out: LooseProblem[]): void {
  const slos = data.slos;
  if (!Array.isArray(slos)) return;
  const parsed: { threshold: Threshold; index: number }[] = [];
  slos.forEach((entry, i) => {
    const expr = typeof entry === 'string' ? entry : isRecord(entry) ? entry.expr : undefined;
    if (typeof expr !== 'string') return;
    try {
      parsed.push({ threshold: parseThreshold(expr), index: i });
    } catch (err) {
      out.push({ path: ['slos', i], message: (err as Error).message });
    }
  });
  // A misspelt request in a scoped SLO is found here too, so a schema error elsewhere does not hide it.
  const names = plainRequestNames(data);
  if (names === undefined) return;
  const requestScoped = parsed.filter((p) => p.threshold.scope?.kind === 'request');
  for (const p of checkScopes(
    requestScoped.map((s) => s.threshold),
    { request: names },
  )) {
    out.push({ path: ['slos', requestScoped[p.index]?.index ?? 0], message: p.message });
  }
}

/** Template and SLO problems of raw (unvalidated) scenario data, with their field paths. */
export function looseProblems(data: Record<string, unknown>): LooseProblem[] {
  const out: LooseProblem[] = [];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  list(data.requests).forEach((r, i) => requestProblems(r, ['requests', i], out));
  list(data.flows).forEach((flow, f) => {
    if (isRecord(flow)) list(flow.steps).forEach((s, i) => requestProblems(s, ['flows', f, 'steps', i], out));
  });
  if (isRecord(data.events)) {
    list(data.events.queues).forEach((q, i) => requestProblems(q, ['events', 'queues', i], out));
  }
  sloProblems(data, out);
  return out;
}
