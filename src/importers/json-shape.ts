/**
 * Reading documents we did not write (OpenAPI, HAR): every field is `unknown` until one of these narrows it,
 * so a real-world document with a surprising shape is skipped field by field instead of crashing the import.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const objectAt = (o: JsonObject | undefined, key: string): JsonObject | undefined => {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
};

export const stringAt = (o: JsonObject | undefined, key: string): string | undefined => {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
};

export const numberAt = (o: JsonObject | undefined, key: string): number | undefined => {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

export const arrayAt = (o: JsonObject | undefined, key: string): readonly unknown[] => {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
};

export const objectsAt = (o: JsonObject | undefined, key: string): JsonObject[] => arrayAt(o, key).filter(isObject);

export const stringsAt = (o: JsonObject | undefined, key: string): string[] =>
  arrayAt(o, key).filter((v): v is string => typeof v === 'string');

/** Object entries whose values are objects (paths, properties, responses, ...). */
export const objectEntries = (o: JsonObject | undefined): [string, JsonObject][] =>
  Object.entries(o ?? {}).filter((e): e is [string, JsonObject] => isObject(e[1]));
