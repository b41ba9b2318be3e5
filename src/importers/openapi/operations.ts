import { isObject, objectAt, objectEntries, objectsAt, stringAt, stringsAt, type JsonObject } from '../json-shape.js';

/**
 * The operations of a dereferenced OpenAPI 3.x or Swagger 2.0 document, in one shape: the scenario builder
 * never asks which version it reads.
 */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ApiParameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  /** The parameter's schema; Swagger 2.0 keeps type/format/enum on the parameter itself, which is used as is. */
  readonly schema: JsonObject;
}

export interface ApiBody {
  readonly mediaType: string;
  readonly schema: JsonObject | undefined;
  readonly example: { value: unknown } | undefined;
}

export interface ApiOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly tags: readonly string[];
  readonly summary: string | undefined;
  readonly parameters: readonly ApiParameter[];
  readonly body: ApiBody | undefined;
  /** Media types offered for the body when none is JSON (left out, with a note). */
  readonly unsupportedBody: string | undefined;
  readonly successCodes: readonly number[];
  readonly responseSchema: JsonObject | undefined;
  /** Names of the security schemes of the first requirement that applies (operation, else document). */
  readonly security: readonly string[];
  /** The operation declares callbacks (requests the server makes back): not imported. */
  readonly callbacks: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const LOCATIONS: readonly string[] = ['path', 'query', 'header', 'cookie'];

export function listOperations(doc: JsonObject): ApiOperation[] {
  const swagger2 = typeof doc.swagger === 'string';
  const out: ApiOperation[] = [];
  for (const [path, item] of objectEntries(objectAt(doc, 'paths'))) {
    const shared = objectsAt(item, 'parameters');
    for (const method of METHODS) {
      const op = objectAt(item, method);
      if (op === undefined) continue;
      const all = mergeParameters(shared, objectsAt(op, 'parameters'));
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: stringAt(op, 'operationId'),
        tags: stringsAt(op, 'tags'),
        summary: stringAt(op, 'summary'),
        parameters: all.flatMap((p) => toParameter(p)),
        ...(swagger2 ? swagger2Body(all, doc, op) : openApi3Body(op)),
        successCodes: successCodes(op),
        responseSchema: responseSchema(op, swagger2),
        security: securityNames(op, doc),
        callbacks: objectAt(op, 'callbacks') !== undefined,
      });
    }
  }
  return out;
}

/** Operation parameters override path-level ones with the same name and location. */
function mergeParameters(shared: JsonObject[], own: JsonObject[]): JsonObject[] {
  const key = (p: JsonObject): string => `${stringAt(p, 'in') ?? ''}:${stringAt(p, 'name') ?? ''}`;
  const ownKeys = new Set(own.map(key));
  return [...shared.filter((p) => !ownKeys.has(key(p))), ...own];
}

function toParameter(p: JsonObject): ApiParameter[] {
  const name = stringAt(p, 'name');
  const location = stringAt(p, 'in');
  if (name === undefined || location === undefined || !LOCATIONS.includes(location)) return [];
  // 3.x: schema + example on the parameter; 2.0: type/format/enum/default on the parameter itself.
  const schema = objectAt(p, 'schema') ?? p;
  const example = p.example ?? p['x-example'];
  const withExample = example !== undefined ? { ...schema, example } : schema;
  return [{ name, in: location as ParameterLocation, required: p.required === true, schema: withExample }];
}

function openApi3Body(op: JsonObject): Pick<ApiOperation, 'body' | 'unsupportedBody'> {
  const content = objectAt(objectAt(op, 'requestBody'), 'content');
  if (content === undefined) return { body: undefined, unsupportedBody: undefined };
  const json = objectEntries(content).find(([type]) => isJsonMediaType(type));
  if (json === undefined) return { body: undefined, unsupportedBody: Object.keys(content).join(', ') };
  const [mediaType, media] = json;
  const examples = objectEntries(objectAt(media, 'examples'));
  const firstExample = examples[0]?.[1];
  const example =
    media.example !== undefined
      ? { value: media.example }
      : firstExample !== undefined && firstExample.value !== undefined
        ? { value: firstExample.value }
        : undefined;
  return { body: { mediaType, schema: objectAt(media, 'schema'), example }, unsupportedBody: undefined };
}

function swagger2Body(
  params: JsonObject[],
  doc: JsonObject,
  op: JsonObject,
): Pick<ApiOperation, 'body' | 'unsupportedBody'> {
  const consumes = stringsAt(op, 'consumes').length > 0 ? stringsAt(op, 'consumes') : stringsAt(doc, 'consumes');
  const body = params.find((p) => stringAt(p, 'in') === 'body');
  if (params.some((p) => stringAt(p, 'in') === 'formData')) {
    return { body: undefined, unsupportedBody: consumes.join(', ') || 'formData parameters' };
  }
  if (body === undefined) return { body: undefined, unsupportedBody: undefined };
  const mediaType = consumes.find(isJsonMediaType) ?? (consumes.length === 0 ? 'application/json' : undefined);
  if (mediaType === undefined) return { body: undefined, unsupportedBody: consumes.join(', ') };
  const schema = objectAt(body, 'schema');
  const example = body['x-example'] !== undefined ? { value: body['x-example'] } : undefined;
  return { body: { mediaType, schema, example }, unsupportedBody: undefined };
}

export const isJsonMediaType = (type: string): boolean =>
  /^application\/([\w.+-]*\+)?json\b/i.test(type) || type === '*/*';

function successCodes(op: JsonObject): number[] {
  return Object.keys(objectAt(op, 'responses') ?? {})
    .filter((code) => /^2\d\d$/.test(code))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The JSON schema of the first documented 2xx response. */
function responseSchema(op: JsonObject, swagger2: boolean): JsonObject | undefined {
  const responses = objectAt(op, 'responses');
  const code = Object.keys(responses ?? {})
    .filter((c) => /^2\d\d$/.test(c))
    .sort()[0];
  const response = code === undefined ? undefined : objectAt(responses, code);
  if (swagger2) return objectAt(response, 'schema');
  const json = objectEntries(objectAt(response, 'content')).find(([type]) => isJsonMediaType(type));
  return json === undefined ? undefined : objectAt(json[1], 'schema');
}

function securityNames(op: JsonObject, doc: JsonObject): string[] {
  const requirements = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
  const first = requirements.find(isObject);
  return first === undefined ? [] : Object.keys(first);
}
