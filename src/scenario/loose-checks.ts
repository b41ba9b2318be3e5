import { parseThreshold } from '../slo/parse.js';
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

function sloProblems(slos: unknown, out: LooseProblem[]): void {
  if (!Array.isArray(slos)) return;
  slos.forEach((entry, i) => {
    const expr = typeof entry === 'string' ? entry : isRecord(entry) ? entry.expr : undefined;
    if (typeof expr !== 'string') return;
    try {
      parseThreshold(expr);
    } catch (err) {
      out.push({ path: ['slos', i], message: (err as Error).message });
    }
  });
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
  sloProblems(data.slos, out);
  return out;
}
