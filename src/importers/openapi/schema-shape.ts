import { arrayAt, isObject, objectAt, objectEntries, stringAt, type JsonObject } from '../json-shape.js';

/**
 * What a (dereferenced) schema says, once allOf is merged and a oneOf/anyOf variant is picked. OpenAPI 3.0
 * (`nullable`, boolean exclusive bounds), 3.1 (type arrays, `examples`) and Swagger 2.0 schemas all come out the
 * same way.
 */
export interface SchemaNotes {
  /** Said once per schema in the output comments, e.g. "oneOf: used the first of 3 variants". */
  readonly notes: string[];
  /** Looks up a local $ref that dereferencing left in place (a circular one), to expand it once. */
  readonly resolveRef?: (ref: string) => JsonObject | undefined;
}

/** A JSON pointer into the document ("#/components/schemas/Node"); undefined for other files or no match. */
export function localRef(doc: JsonObject, ref: string): JsonObject | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** The value a document gives for this schema, if any: example, examples[0], default, const or enum[0]. */
export function documentedValue(schema: JsonObject): { value: unknown } | undefined {
  if (schema.example !== undefined) return { value: schema.example };
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length > 0) return { value: examples[0] };
  if (schema.default !== undefined) return { value: schema.default };
  if (schema.const !== undefined) return { value: schema.const };
  const values = arrayAt(schema, 'enum').filter((v) => v !== null);
  return values.length > 0 ? { value: values[0] } : undefined;
}

/** The first non-null type: 3.1 writes ["string", "null"], 3.0 writes type + nullable. */
export function schemaType(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  if (isObject(schema.properties)) return 'object';
  if (isObject(schema.items)) return 'array';
  return undefined;
}

/**
 * Folds allOf into one schema (properties and required lists joined) and picks the first oneOf/anyOf variant.
 * A part that dereferencing left as a circular $ref (`Tree: allOf: [$ref: Node, ...]`) is looked up, so its
 * properties are not lost; the depth bound ends a composition that only refers to itself.
 */
export function resolveComposition(schema: JsonObject, out: SchemaNotes, depth = 0): JsonObject {
  if (depth > 8) return schema;
  const ref = circularRef(schema);
  const target = ref === undefined ? undefined : out.resolveRef?.(ref);
  if (target !== undefined) return resolveComposition(target, out, depth + 1);
  let merged: JsonObject = schema;
  const allOf = arrayAt(schema, 'allOf').filter(isObject);
  if (allOf.length > 0) {
    const parts = allOf.map((part) => resolveComposition(part, out, depth + 1));
    const { allOf: _drop, ...own } = schema;
    merged = parts.reduce<JsonObject>(mergeTwo, own);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const variants = arrayAt(merged, key).filter(isObject);
    if (variants.length === 0) continue;
    const pick = variants.find((v) => schemaType(v) !== 'null') ?? variants[0];
    if (pick === undefined) continue;
    if (variants.length > 1) out.notes.push(`${key}: used the first of ${variants.length} variants`);
    const { [key]: _drop, ...own } = merged;
    merged = mergeTwo(own, resolveComposition(pick, out, depth + 1));
  }
  return merged;
}

function mergeTwo(a: JsonObject, b: JsonObject): JsonObject {
  const properties = { ...(objectAt(a, 'properties') ?? {}), ...(objectAt(b, 'properties') ?? {}) };
  const required = [...new Set([...arrayAt(a, 'required'), ...arrayAt(b, 'required')])];
  const out: Record<string, unknown> = { ...a, ...b };
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.length > 0) out.required = required;
  return out;
}

/** Required property names of an object schema (after allOf and circular $refs), for response-shape checks. */
export function requiredProperties(schema: JsonObject, resolveRef?: SchemaNotes['resolveRef']): string[] {
  const notes: SchemaNotes = { notes: [], resolveRef };
  const resolved = resolveComposition(schema, notes);
  if (schemaType(resolved) !== 'object') return [];
  const known = new Set(objectEntries(objectAt(resolved, 'properties')).map(([name]) => name));
  return arrayAt(resolved, 'required').filter(
    (n): n is string => typeof n === 'string' && (known.size === 0 || known.has(n)),
  );
}

/** A $ref that dereferencing left in place: a circular reference. */
export const circularRef = (schema: JsonObject): string | undefined => stringAt(schema, '$ref');
