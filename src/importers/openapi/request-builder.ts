import { literal } from '../literal-text.js';
import type { SchemaNotes } from './schema-shape.js';
import { requiredProperties, resolveComposition, schemaType } from './schema-shape.js';
import type { ApiOperation, ApiParameter } from './operations.js';
import { parameterValue, sampleValue } from './sample-value.js';

/** One scenario request for one operation, and what was left out of it (comments in the output). */
export interface BuiltRequest {
  readonly request: Record<string, unknown>;
  readonly notes: string[];
  /** Comments only, not worth a warning (e.g. why a request has no shape check). */
  readonly info: string[];
}

/** Reads outnumber writes in most traffic; deletes are opt-in, since they destroy the data the rest reads. */
const READ_WEIGHT = 3;
const WRITE_WEIGHT = 1;

export function buildRequest(
  op: ApiOperation,
  name: string,
  authQuery: Record<string, string>,
  resolveRef: SchemaNotes['resolveRef'],
): BuiltRequest {
  const out: SchemaNotes = { notes: [], resolveRef };
  const request: Record<string, unknown> = { name };
  request.weight = op.method === 'GET' || op.method === 'HEAD' ? READ_WEIGHT : WRITE_WEIGHT;
  if (op.method !== 'GET') request.method = op.method;
  request.path = literal(buildPath(op, out));
  const info: string[] = [];
  const query = { ...literal(buildParams(op, 'query', out, info)), ...authQuery };
  if (Object.keys(query).length > 0) request.query = query;
  const headers = literal(buildParams(op, 'header', out, info));
  if (Object.keys(headers).length > 0) request.headers = headers;
  if (op.parameters.some((p) => p.in === 'cookie' && p.required)) {
    out.notes.push('cookie parameters are not generated; add a cookie header by hand');
  }
  addBody(op, request, out);
  if (op.callbacks) out.notes.push('callbacks are not imported (the tool sends requests, it does not receive them)');
  if (op.successCodes.length > 0) {
    request.expect = { status: op.successCodes.length === 1 ? op.successCodes[0] : [...op.successCodes] };
  }
  const checks = responseChecks(op, info, resolveRef);
  if (checks.length > 0) request.checks = checks;
  return { request, notes: [...new Set(out.notes)], info };
}

/** `/pets/{petId}` with each path parameter's documented or generated value. */
function buildPath(op: ApiOperation, out: SchemaNotes): string {
  return op.path.replace(/\{([^}]+)\}/g, (_whole, param: string) => {
    const declared = op.parameters.find((p) => p.in === 'path' && p.name === param);
    if (declared === undefined) {
      out.notes.push(`path parameter ${param} is not declared; a random string is sent`);
      return '{{randomString 8}}';
    }
    const value = parameterValue(declared.schema, out);
    if (value === '') {
      // An empty segment changes the route ("/nodes/" is not "/nodes/{id}").
      out.notes.push(`no value could be made for path parameter ${param}; a random string is sent`);
      return '{{randomString 8}}';
    }
    return value.includes('{{') ? value : encodeURIComponent(value);
  });
}

/** Required parameters always; optional ones only when the document gives a value for them. */
function buildParams(
  op: ApiOperation,
  where: 'query' | 'header',
  out: SchemaNotes,
  info: string[],
): Record<string, string> {
  const values: Record<string, string> = {};
  const skipped: string[] = [];
  for (const p of op.parameters.filter((x) => x.in === where)) {
    if (where === 'header' && /^(accept|content-type|authorization)$/i.test(p.name)) continue;
    if (p.required || hasDocumentedValue(p)) values[p.name] = parameterValue(p.schema, out);
    else skipped.push(p.name);
  }
  if (skipped.length > 0) info.push(`optional ${where} parameters left out: ${skipped.join(', ')}`);
  return values;
}

const hasDocumentedValue = (p: ApiParameter): boolean =>
  p.schema.example !== undefined || p.schema.default !== undefined || Array.isArray(p.schema.examples);

function addBody(op: ApiOperation, request: Record<string, unknown>, out: SchemaNotes): void {
  if (op.unsupportedBody !== undefined) {
    out.notes.push(`request body ${op.unsupportedBody} is not supported (JSON only); no body is sent`);
  }
  if (op.body === undefined) return;
  const value = op.body.example !== undefined ? op.body.example.value : sampleValue(op.body.schema, out);
  request.json = literal(value);
  if (!/^application\/json\b/i.test(op.body.mediaType)) {
    request.headers = { ...(request.headers as Record<string, string> | undefined), 'content-type': op.body.mediaType };
  }
}

/** A check per required property of the success response's JSON object. */
function responseChecks(
  op: ApiOperation,
  info: string[],
  resolveRef: SchemaNotes['resolveRef'],
): Record<string, unknown>[] {
  const schema = op.responseSchema;
  if (schema === undefined) return [];
  if (schemaType(resolveComposition(schema, { notes: [], resolveRef })) === 'array') {
    info.push('the response is an array: no shape check');
    return [];
  }
  return requiredProperties(schema, resolveRef)
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .map((name) => ({ jsonPath: `$.${name}`, exists: true }));
}
