import protobuf from 'protobufjs';

/**
 * Checks a scenario's message (YAML, before templates are rendered) against its protobuf type, so a misspelt
 * field or a wrong type is a validation error with the field's path rather than a run of failed calls.
 * protobufjs's own `verify` ignores unknown keys and stops at the first problem; we want every problem, and an
 * unknown key is exactly the typo users make. A template string (`"{{seq}}"`) is accepted where a scalar goes:
 * its type is only known once rendered.
 */
export interface MessageProblem {
  path: (string | number)[];
  message: string;
}

const INTEGER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const FLOAT_TYPES = new Set(['double', 'float']);

const isTemplate = (v: unknown): boolean => typeof v === 'string' && v.includes('{{');

export function messageProblems(type: protobuf.Type, value: unknown, path: (string | number)[] = []): MessageProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, message: `expected a ${type.name} message (an object)` }];
  }
  const problems: MessageProblem[] = [];
  const byName = fieldsByName(type);
  for (const [key, v] of Object.entries(value)) {
    const field = byName.get(key);
    if (field === undefined) {
      problems.push({
        path: [...path, key],
        message: `unknown field of ${type.name} (fields: ${[...type.fieldsArray.map((f) => f.name)].join(', ')})`,
      });
      continue;
    }
    problems.push(...fieldProblems(field, v, [...path, key]));
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => (value as Record<string, unknown>)[f.name] !== undefined);
    if (set.length > 1)
      problems.push({ path, message: `oneof ${oneof.name}: set only one of ${set.map((f) => f.name).join(', ')}` });
  }
  return problems;
}

/** Fields by their proto name and their JSON (lowerCamelCase) name, as proto3 JSON accepts both. */
function fieldsByName(type: protobuf.Type): Map<string, protobuf.Field> {
  const map = new Map<string, protobuf.Field>();
  for (const f of type.fieldsArray) {
    map.set(f.name, f);
    map.set(
      f.name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
      f,
    );
  }
  return map;
}

function fieldProblems(field: protobuf.Field, value: unknown, path: (string | number)[]): MessageProblem[] {
  field.resolve();
  if (field instanceof protobuf.MapField) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return [{ path, message: 'expected a map (an object)' }];
    return Object.entries(value).flatMap(([k, v]) => singleProblems(field, v, [...path, k]));
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return [{ path, message: `expected a list of ${field.type}` }];
    return value.flatMap((v, i) => singleProblems(field, v, [...path, i]));
  }
  return singleProblems(field, value, path);
}

function singleProblems(field: protobuf.Field, value: unknown, path: (string | number)[]): MessageProblem[] {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageProblems(resolved, value, path);
  if (isTemplate(value)) return [];
  const problem = scalarProblem(field.type, resolved, value);
  return problem === undefined ? [] : [{ path, message: problem }];
}

function scalarProblem(
  type: string,
  resolved: protobuf.Enum | protobuf.Type | null,
  value: unknown,
): string | undefined {
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return undefined;
    if (typeof value === 'number' && Object.values(resolved.values).includes(value)) return undefined;
    return `expected one of ${Object.keys(resolved.values).join(', ')}`;
  }
  if (type === 'string') return typeof value === 'string' ? undefined : 'expected a string';
  if (type === 'bool') return typeof value === 'boolean' ? undefined : 'expected true or false';
  if (type === 'bytes') return typeof value === 'string' ? undefined : 'expected base64 text';
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return `expected a number (${type})`;
  if ((INTEGER_TYPES.has(type) || LONG_TYPES.has(type)) && !Number.isInteger(n)) return `expected an integer (${type})`;
  if (type.startsWith('u') && n < 0) return `expected a non-negative integer (${type})`;
  if (INTEGER_TYPES.has(type) && Math.abs(n) > 0xffffffff) return `out of range for ${type}`;
  if (!FLOAT_TYPES.has(type) && !INTEGER_TYPES.has(type) && !LONG_TYPES.has(type))
    return `unsupported field type ${type}`;
  return undefined;
}
