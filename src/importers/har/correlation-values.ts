import type { CaptureSource, RecordedResponse } from './draft-step.js';

/**
 * Which values of a response could be server-issued ids or tokens, and where each one sits. A value is worth
 * correlating when it is specific enough that finding it again later is no coincidence: numbers of two digits
 * or more, and strings that look like identifiers (a digit and 6+ characters, or 16+ characters).
 */
export interface ProducedValue {
  readonly value: string;
  readonly source: CaptureSource;
  /** Suggested variable name: the JSON key or the header name. */
  readonly hint: string;
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 50;
const MAX_LENGTH = 1024;
/** Response headers that describe the transport or the content, never a value the client sends back. */
const DESCRIPTIVE_HEADER =
  /^(?:date|content-.*|server|connection|keep-alive|vary|cache-control|expires|last-modified|etag|age|via|pragma|access-control-.*|transfer-encoding|strict-transport-security|set-cookie|x-powered-by|alt-svc|report-to|nel|x-content-type-options|x-frame-options|referrer-policy|permissions-policy|cross-origin-.*|timing-allow-origin|server-timing)$/i;
const KEY = /^[A-Za-z0-9_-]+$/;

export function isDistinctive(value: string): boolean {
  if (value.length > MAX_LENGTH) return false;
  if (/^-?\d+$/.test(value)) return value.replace('-', '').length >= 2;
  return (value.length >= 6 && /\d/.test(value)) || value.length >= 16;
}

/** Values of a response in document order: headers first (Location, CSRF tokens), then JSON leaves. */
export function producedValues(response: RecordedResponse): ProducedValue[] {
  const out: ProducedValue[] = [];
  for (const { name, value } of response.headers) {
    if (DESCRIPTIVE_HEADER.test(name) || name.startsWith(':') || !isDistinctive(value)) continue;
    out.push({ value, source: { header: name }, hint: name });
  }
  walk(response.json, [], out, 0);
  return out;
}

function walk(node: unknown, path: (string | number)[], out: ProducedValue[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    node.slice(0, MAX_ITEMS).forEach((item, i) => walk(item, [...path, i], out, depth + 1));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (KEY.test(key)) walk(value, [...path, key], out, depth + 1);
    }
  } else if ((typeof node === 'string' || (typeof node === 'number' && Number.isInteger(node))) && path.length > 0) {
    const text = String(node);
    if (!isDistinctive(text)) return;
    const keys = path.filter((k): k is string => typeof k === 'string');
    const [parent, last] = [keys.at(-2), keys.at(-1) ?? 'value'];
    // customer.id reads better as customerId; a top-level id is named after its resource by correlate().
    const hint = last === 'id' && parent !== undefined ? `${parent}Id` : last;
    out.push({ value: text, source: { jsonPath: jsonPath(path) }, hint });
  }
}

/** RFC 9535 JSONPath: `$.customer.id`, `$[0].id`, `$['x-trace']`. */
export const jsonPath = (path: readonly (string | number)[]): string =>
  `$${path
    .map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `['${p}']`))
    .join('')}`;
