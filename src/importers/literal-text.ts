/**
 * Text taken from a recording or a document goes into the scenario as it was. The loader would read `${NAME}` in
 * it from the environment, so `${` is written `$${` (the loader's escape); generated placeholders are added after.
 */
export function literal<T>(value: T): T {
  return escape(value) as T;
}

function escape(value: unknown): unknown {
  // A function, not a string: in a replacement string "$$" means "$".
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escape(v)]));
  }
  return value;
}

/** `{{` has no escape in templates: a recorded value holding one would be read as a template. */
export const hasTemplateBraces = (text: string | undefined): boolean => text?.includes('{{') === true;
