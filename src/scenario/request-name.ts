/**
 * The name a request gets when the scenario gives it none: its method and path template. The name is a label
 * in every output (the Prometheus `request` label, OTel attributes, tables), so it must stay bounded and must
 * not carry secrets: the query string is dropped, and path segments that are ids collapse to `:id`, the way
 * APIs document their routes (`GET /users/:id`), so `/users/1` and `/users/2` are one series.
 */

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Hashes and object ids (a git sha, a Mongo ObjectId): hex with a digit, so words such as "facade" stay. */
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
/** Opaque ids and tokens (ULIDs, base64url): long, letters and digits mixed. */
const OPAQUE = /^(?=.*\d)(?=.*[a-z])[\w=+.~-]{20,}$/i;
/** A segment that holds a template ({{seq}}) is already a template: kept as written. */
const TEMPLATE = /\{\{.*\}\}/;

export const ID_SEGMENT = ':id';

function isId(segment: string): boolean {
  if (segment === '' || TEMPLATE.test(segment)) return false;
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // A malformed escape is judged as written.
  }
  return NUMERIC.test(text) || UUID.test(text) || HEX.test(text) || OPAQUE.test(text);
}

/** "/users/42?token=x" → "/users/:id". */
export function pathTemplate(path: string): string {
  const end = path.search(/[?#]/);
  const bare = end === -1 ? path : path.slice(0, end);
  return bare
    .split('/')
    .map((segment) => (isId(segment) ? ID_SEGMENT : segment))
    .join('/');
}

/** "GET /users/:id": what a request without a name is called. */
export function defaultRequestName(method: string, path: string): string {
  const template = pathTemplate(path);
  return `${method.toUpperCase()} ${template === '' ? '/' : template}`;
}

/**
 * Names for a list of requests: a given name is kept (a repeated one is a validation error elsewhere); a default
 * name that another request already has gets " #2", " #3", ..., so collapsing ids or dropping a query never
 * makes a valid scenario invalid.
 */
export function requestNames(requests: readonly { name?: string; method: string; path: string }[]): string[] {
  const taken = new Set(requests.flatMap((r) => (r.name === undefined ? [] : [r.name])));
  return requests.map((r) => {
    if (r.name !== undefined) return r.name;
    const base = defaultRequestName(r.method, r.path);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} #${n}`;
    taken.add(name);
    return name;
  });
}
