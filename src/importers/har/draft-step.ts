import { hasTemplateBraces } from '../literal-text.js';
import { headerValue, responseText, type HarEntry, type HarHeader } from './read-har.js';
import { keptHeaders } from './request-headers.js';

/**
 * One recorded API request on its way to a flow step: mutable while correlation rewrites its values into
 * `{{vars.x}}` and adds captures, then written out as a step.
 */
export type CaptureSource = { jsonPath: string } | { header: string };

export interface DraftStep {
  name: string;
  readonly service: string;
  readonly method: string;
  /** Decoded path segments (without the leading empty one), so a whole segment can become a template. */
  segments: string[];
  /** Set when the whole path is one correlated value (a Location header sent back as the next path). */
  pathTemplate: string | undefined;
  query: [string, string][];
  headers: Record<string, string>;
  json: unknown;
  body: string | undefined;
  readonly status: number;
  readonly capture: Record<string, CaptureSource>;
  readonly notes: string[];
}

/** What correlation reads from a recorded response. */
export interface RecordedResponse {
  readonly headers: readonly HarHeader[];
  readonly json: unknown;
}

export function draftStep(entry: HarEntry, name: string, service: string): DraftStep {
  const url = new URL(entry.request.url);
  const segments = url.pathname
    .split('/')
    .slice(1)
    .map((s) => safeDecode(s));
  const headers = keptHeaders(entry.request.headers);
  const notes: string[] = [];
  const { json, body } = requestBody(entry, headers, notes);
  if (hasTemplateBraces(entry.request.url) || hasTemplateBraces(entry.request.postData?.text)) {
    notes.push('the recorded request contains "{{", which the scenario reads as a template: edit it by hand');
  }
  return {
    name,
    service,
    method: entry.request.method.toUpperCase(),
    segments,
    pathTemplate: undefined,
    query: [...url.searchParams.entries()],
    headers,
    json,
    body,
    status: entry.response.status,
    capture: {},
    notes,
  };
}

/** A JSON body is kept as data (its values can be correlated); other text as text; a binary one is left out. */
function requestBody(
  entry: HarEntry,
  headers: Record<string, string>,
  notes: string[],
): { json: unknown; body: string | undefined } {
  const text = entry.request.postData?.text;
  if (text === undefined || text === '') return { json: undefined, body: undefined };
  const mime = entry.request.postData?.mimeType || headerValue(entry.request.headers, 'content-type') || '';
  if (isBinary(text, mime)) {
    // HAR keeps request bodies as text: bytes of a file upload are already mangled there, and a body is sent
    // as UTF-8, so replaying it would send other bytes than were recorded.
    notes.push(
      `binary request body (${mime || 'no content type'}, ${text.length} characters) left out: add it by hand`,
    );
    delete headers['content-type'];
    return { json: undefined, body: undefined };
  }
  if (/json/i.test(mime)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { json: undefined, body: text }; // not JSON after all: sent as recorded
    }
    if (nestedDeeperThan(json, MAX_JSON_DEPTH)) {
      // Correlation and the YAML writer walk a JSON body recursively: a freak depth would overflow the stack.
      notes.push(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels is sent as recorded text, not correlated`);
      return { json: undefined, body: text };
    }
    delete headers['content-type']; // the engine sets application/json for a json body
    return { json, body: undefined };
  }
  return { json: undefined, body: text };
}

const MAX_JSON_DEPTH = 64;

/** Without recursion, so the check itself cannot overflow. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Binary by its content type (not text, JSON, XML or a form), or by what a text body never holds. */
const TEXT_MIME =
  /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml)\b|application\/(?:x-www-form-urlencoded|javascript|graphql)\b)/i;
const isBinary = (text: string, mime: string): boolean =>
  (mime !== '' && !TEXT_MIME.test(mime) && !/^multipart\//i.test(mime)) ||
  // eslint-disable-next-line no-control-regex -- control characters are what tells binary from text here
  /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);

export function recordedResponse(entry: HarEntry): RecordedResponse {
  const text = responseText(entry);
  let json: unknown;
  if (text !== undefined && /json/i.test(entry.response.content.mimeType ?? '')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { headers: entry.response.headers, json };
}

export const stepPath = (step: DraftStep): string =>
  step.pathTemplate ?? `/${step.segments.map((s) => (s.includes('{{') ? s : encodeURIComponent(s))).join('/')}`;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
