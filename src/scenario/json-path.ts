import { createRequire } from 'node:module';
import type { JSONPathQuery, JSONValue } from 'json-p3';

type JsonP3 = typeof import('json-p3');
let jsonP3: JsonP3 | undefined;
/** Loaded on first use: most runs (--url, no checks) never parse a JSONPath, and start-up is measured. */
const library = (): JsonP3 => (jsonP3 ??= createRequire(import.meta.url)('json-p3') as JsonP3);

/**
 * A JSONPath (RFC 9535) that checks and captures read from a JSON body, compiled once when the scenario is
 * planned. `json-p3` parses the query into a tree and walks it: no eval, and filters such as
 * `$.items[?@.price > 10]` work as the RFC says.
 */
export interface JsonPath {
  /** The path as the scenario wrote it, for messages. */
  readonly source: string;
  /** The first value the path selects, in document order; undefined when it selects nothing. */
  first(document: unknown): unknown;
}

/** The dot paths scenarios wrote before JSONPath ("items.0.name", "$.user.id") put an index after a dot. */
const DOTTED_INDEX = /\.(\d+)(?=[.[]|$)/g;

function tryCompile(text: string): JSONPathQuery | Error {
  try {
    return library().compile(text);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Compiles a scenario's path. A path without the leading `$` is relative to the root (`id` means `$.id`), and
 * a dotted index (`items.0.id`) is read as `items[0].id` when the path is not valid JSONPath as written.
 * Throws an Error naming what is wrong when it is not a JSONPath at all, so planning can report it.
 */
export function compileJsonPath(source: string): JsonPath {
  const rooted = source.startsWith('$') ? source : source.startsWith('[') ? `$${source}` : `$.${source}`;
  let query = tryCompile(rooted);
  if (query instanceof Error) {
    const dotted = tryCompile(rooted.replace(DOTTED_INDEX, '[$1]'));
    if (dotted instanceof Error) throw new Error(`not a valid JSONPath: ${query.message}`);
    query = dotted;
  }
  const compiled = query;
  return {
    source,
    first: (document) => (document === undefined ? undefined : compiled.match(document as JSONValue)?.value),
  };
}
