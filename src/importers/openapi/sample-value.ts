import RandExp from 'randexp';
import { arrayAt, isObject, numberAt, objectAt, objectEntries, stringAt, type JsonObject } from '../json-shape.js';
import { circularRef, documentedValue, resolveComposition, schemaType, type SchemaNotes } from './schema-shape.js';

/**
 * Generates a request value from a JSON schema: the documented example when there is one, else a value within
 * the schema's bounds, using templates (`{{randomInt A B}}`, `{{uuid}}`, `{{randomString N}}`) so each request
 * differs. Whatever it cannot honour is written to `notes`, which become comments in the scenario.
 */
export interface SampleOptions {
  /** A request body leaves readOnly properties out (the server sets them). */
  readonly direction: 'request';
}

const MAX_DEPTH = 6;
const DEFAULT_STRING_LENGTH = 8;

/** Fixed shapes for formats a template cannot produce; `{{seq}}` keeps emails and names unique per request. */
const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  uuid: '{{uuid}}',
  email: 'user-{{seq}}@example.test',
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '12:00:00',
  uri: 'https://example.test/{{seq}}',
  url: 'https://example.test/{{seq}}',
  hostname: 'host-{{seq}}.example.test',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  byte: 'YmFja2VuZC1iZW5jaA==',
  password: '{{randomString 12}}',
};

/** Where a recursive schema stops: an optional property is left out, an array is empty, anything else null. */
const STOP = Symbol('recursion stops here');

export function sampleValue(schema: unknown, out: SchemaNotes): unknown {
  const value = sample(schema, out, 0, new Set());
  return value === STOP ? null : value;
}

function sample(schema: unknown, out: SchemaNotes, depth: number, expanding: Set<string>): unknown {
  if (!isObject(schema)) return '{{randomString 8}}';
  const ref = circularRef(schema);
  if (ref !== undefined) return sampleRecursive(ref, out, depth, expanding);
  const resolved = resolveComposition(schema, out);
  const documented = documentedValue(resolved);
  if (documented !== undefined) return documented.value;
  if (depth > MAX_DEPTH) {
    out.notes.push(`schema nested deeper than ${MAX_DEPTH} levels left out (null sent)`);
    return null;
  }
  switch (schemaType(resolved)) {
    case 'object':
      return sampleObject(resolved, out, depth, expanding);
    case 'array':
      return sampleArray(resolved, out, depth, expanding);
    case 'integer':
    case 'number':
      return sampleNumber(resolved);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(resolved, out);
  }
}

/** A circular schema (left as $ref by dereferencing) is expanded once per branch, then stops. */
function sampleRecursive(ref: string, out: SchemaNotes, depth: number, expanding: Set<string>): unknown {
  const target = out.resolveRef?.(ref);
  if (target === undefined || expanding.has(ref)) {
    out.notes.push(`recursive schema ${ref} is expanded once`);
    return STOP;
  }
  expanding.add(ref);
  try {
    return sample(target, out, depth + 1, expanding);
  } finally {
    expanding.delete(ref);
  }
}

function sampleObject(schema: JsonObject, out: SchemaNotes, depth: number, expanding: Set<string>): unknown {
  const value: Record<string, unknown> = {};
  const required = new Set(arrayAt(schema, 'required'));
  for (const [name, property] of objectEntries(objectAt(schema, 'properties'))) {
    if (property.readOnly === true) continue;
    const v = sample(property, out, depth + 1, expanding);
    if (v !== STOP) value[name] = v;
    else if (required.has(name)) value[name] = null;
  }
  return value;
}

function sampleArray(schema: JsonObject, out: SchemaNotes, depth: number, expanding: Set<string>): unknown {
  const count = Math.min(Math.max(numberAt(schema, 'minItems') ?? 1, 1), 3);
  const items = Array.from({ length: count }, () => sample(schema.items, out, depth + 1, expanding));
  return items.includes(STOP) ? [] : items;
}

/** `{{randomInt lo hi}}` within the bounds; 3.0 writes exclusive bounds as booleans, 3.1 as numbers. */
export function sampleNumber(schema: JsonObject): string {
  const exclusive = (key: 'exclusiveMinimum' | 'exclusiveMaximum', bound: number | undefined): number | undefined => {
    const v = schema[key];
    if (typeof v === 'number') return key === 'exclusiveMinimum' ? Math.floor(v) + 1 : Math.ceil(v) - 1;
    if (v === true && bound !== undefined) return key === 'exclusiveMinimum' ? bound + 1 : bound - 1;
    return bound;
  };
  const min = exclusive('exclusiveMinimum', numberAt(schema, 'minimum'));
  const max = exclusive('exclusiveMaximum', numberAt(schema, 'maximum'));
  const lo = Math.ceil(min ?? (max !== undefined ? Math.min(1, max) : 1));
  const hi = Math.floor(max ?? lo + 999);
  return hi < lo ? String(lo) : `{{randomInt ${lo} ${hi}}}`;
}

export function sampleString(schema: JsonObject, out: SchemaNotes): string {
  const minLength = numberAt(schema, 'minLength') ?? 0;
  const maxLength = numberAt(schema, 'maxLength') ?? Number.POSITIVE_INFINITY;
  const pattern = stringAt(schema, 'pattern');
  if (pattern !== undefined) {
    const fromPattern = stringFromPattern(pattern, minLength, maxLength);
    if (fromPattern !== undefined) return fromPattern;
    out.notes.push(`pattern ${pattern} could not be satisfied; a random string is sent`);
  }
  const format = stringAt(schema, 'format');
  const byFormat = format === undefined ? undefined : FORMAT_SAMPLES[format];
  if (format === 'binary') out.notes.push('format binary (file upload) is not generated; a random string is sent');
  if (byFormat !== undefined && minLength <= 8) return byFormat;
  const length = Math.min(Math.max(DEFAULT_STRING_LENGTH, minLength), maxLength);
  return length < 1 ? '' : `{{randomString ${length}}}`;
}

/** A literal matching the pattern and length bounds, or undefined when a few tries find none. */
function stringFromPattern(pattern: string, minLength: number, maxLength: number): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const generator = new RandExp(regex);
  generator.max = Math.min(Math.max(minLength, 4), 16);
  for (let i = 0; i < 20; i++) {
    const candidate = generator.gen();
    if (candidate.length >= minLength && candidate.length <= maxLength && regex.test(candidate)) return candidate;
  }
  return undefined;
}

/** A parameter's value as text: documented, else generated; arrays are sent comma-separated (form style). */
export function parameterValue(schema: JsonObject, out: SchemaNotes): string {
  const documented = documentedValue(schema);
  const value = documented !== undefined ? documented.value : sampleValue(schema, out);
  if (Array.isArray(value)) return value.map((v) => scalarText(v)).join(',');
  return scalarText(value);
}

const scalarText = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v === null || v === undefined
      ? ''
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);
