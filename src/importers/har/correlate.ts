import type { CaptureSource, DraftStep, RecordedResponse } from './draft-step.js';
import { producedValues, type ProducedValue } from './correlation-values.js';

/**
 * Automatic correlation. A value that a response returned and a later request sends back (a path segment, a
 * query value, a JSON body field, a header such as a CSRF token or a bearer token) was issued by the server: a
 * replay must send the new one, not the recorded one. Each such value becomes a capture on the step that
 * received it and `{{vars.x}}` where it is used. Values the client itself sent before (echoed input, paging
 * parameters) are never taken for server-issued ones.
 */
export interface Correlation {
  readonly variable: string;
  /** The step whose response carries the value. */
  readonly from: string;
  readonly source: CaptureSource;
  readonly value: string;
  /** "get-users-id path", "place-order json $.userId", ... */
  readonly uses: string[];
}

interface Producer extends ProducedValue {
  readonly step: number;
}

export function correlate(steps: DraftStep[], responses: readonly RecordedResponse[]): Correlation[] {
  const producers = new Map<string, Producer>();
  const sentByClient = new Set<string>();
  const correlations = new Map<Producer, Correlation>();
  const names = new Set<string>();
  steps.forEach((step, index) => {
    const sent = requestValues(step);
    rewriteUses(step, (value, where) => {
      const producer = producers.get(value);
      if (producer === undefined) return undefined;
      let c = correlations.get(producer);
      if (c === undefined) {
        c = newCorrelation(producer, steps, names);
        correlations.set(producer, c);
      }
      c.uses.push(`${step.name} ${where}`);
      return `{{vars.${c.variable}}}`;
    });
    for (const v of sent) sentByClient.add(v);
    const fromThis = new Set<string>();
    for (const produced of producedValues(responses[index] ?? { headers: [], json: undefined })) {
      if (sentByClient.has(produced.value) || fromThis.has(produced.value)) continue;
      fromThis.add(produced.value);
      producers.set(produced.value, { ...produced, step: index });
    }
  });
  return [...correlations.values()];
}

function newCorrelation(producer: Producer, steps: DraftStep[], names: Set<string>): Correlation {
  const from = steps[producer.step];
  const base = variableName(producer.hint === 'id' && from !== undefined ? resourceId(from) : producer.hint);
  let variable = base;
  for (let n = 2; names.has(variable); n++) variable = `${base}${n}`;
  names.add(variable);
  if (from !== undefined) from.capture[variable] = producer.source;
  return { variable, from: from?.name ?? '?', source: producer.source, value: producer.value, uses: [] };
}

/** The id a step's response carries, named after the last plain segment of its path: /users → userId. */
function resourceId(step: DraftStep): string {
  const resource = [...step.segments].reverse().find((s) => /^[A-Za-z_-]+$/.test(s));
  return resource === undefined ? 'id' : `${resource.replace(/ies$/, 'y').replace(/s$/, '')}Id`;
}

/** `{{vars.NAME}}` names: letters, digits, _ and -, not starting with a digit. */
const variableName = (hint: string): string => {
  const cleaned = hint.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z_]+/, '');
  return cleaned === '' ? 'value' : cleaned;
};

type Rewrite = (value: string, where: string) => string | undefined;

/** Offers every value the step sends to `rewrite`, and puts back what it returns. */
function rewriteUses(step: DraftStep, rewrite: Rewrite): void {
  const segments = step.segments.map((s) => rewrite(s, 'path') ?? s);
  if (segments.some((s, i) => s !== step.segments[i])) step.segments = segments;
  else step.pathTemplate = rewrite(`/${step.segments.join('/')}`, 'path');
  step.query = step.query.map(([k, v]) => [k, rewrite(v, `query ${k}`) ?? v]);
  for (const [name, value] of Object.entries(step.headers)) {
    if (name === 'cookie') continue;
    const bearer = /^(bearer|token)\s+(.+)$/i.exec(value);
    const replaced = bearer
      ? mapDefined(rewrite(bearer[2] ?? '', `header ${name}`), (t) => `${bearer[1]} ${t}`)
      : rewrite(value, `header ${name}`);
    if (replaced !== undefined) step.headers[name] = replaced;
  }
  if (step.json !== undefined) {
    step.json = rewriteJson(step.json, '$', (value, path, numeric) => {
      const replaced = rewrite(value, `json ${path}`);
      if (replaced !== undefined && numeric) step.notes.push(`${path} was a number and is now sent as a string`);
      return replaced;
    });
  }
}

const jsonPathKey = (path: string, key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;

function rewriteJson(
  node: unknown,
  path: string,
  rewrite: (value: string, path: string, numeric: boolean) => string | undefined,
): unknown {
  if (Array.isArray(node)) return node.map((item, i) => rewriteJson(item, `${path}[${i}]`, rewrite));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewriteJson(v, jsonPathKey(path, k), rewrite)]));
  }
  if (typeof node === 'string') return rewrite(node, path, false) ?? node;
  if (typeof node === 'number' && Number.isInteger(node)) return rewrite(String(node), path, true) ?? node;
  return node;
}

/** Every value the request sends, as text (for telling client input from server-issued values). */
function requestValues(step: DraftStep): string[] {
  const out: string[] = [...step.segments, `/${step.segments.join('/')}`, ...step.query.map(([, v]) => v)];
  for (const [name, value] of Object.entries(step.headers)) if (name !== 'cookie') out.push(value);
  rewriteJson(step.json, '$', (value) => {
    out.push(value);
    return undefined;
  });
  if (step.body !== undefined) out.push(step.body);
  return out;
}

const mapDefined = <T, U>(v: T | undefined, f: (t: T) => U): U | undefined => (v === undefined ? undefined : f(v));
