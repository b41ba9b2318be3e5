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

/**
 * A dot path as scenarios wrote them before JSONPath ("items.0.name", "$.user-id"): keys split on dots, with no
 * JSONPath syntax and no whitespace. Its keys may hold what JSONPath's shorthand does not (a dash, a colon).
 */
const DOT_PATH = /^(?:\$\.)?[^.[\]?@*()'"$\s]+(?:\.[^.[\]?@*()'"$\s]+)*$/;

/** A dot path in bracket notation: each key quoted, each all-digit key an array index. */
function bracketed(dotPath: string): string {
  const keys = dotPath.replace(/^\$\./, '').split('.');
  return `$${keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `['${k.replace(/\\/g, '\\\\')}']`)).join('')}`;
}

function tryCompile(text: string): JSONPathQuery | Error {
  try {
    return library().compile(text);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Compiles a scenario's path. A path without the leading `$` is relative to the root (`id` means `$.id`); one
 * that is not valid JSONPath as written but is a plain dot path (`items.0.id`, `user-id`) is read key by key,
 * as such paths were before.
 * Throws an Error naming what is wrong when it is not a JSONPath at all, so planning can report it.
 */
export function compileJsonPath(source: string): JsonPath {
  const rooted = source.startsWith('$') ? source : source.startsWith('[') ? `$${source}` : `$.${source}`;
  let query = tryCompile(rooted);
  if (query instanceof Error) {
    const dotted = DOT_PATH.test(source) ? tryCompile(bracketed(source)) : query;
    if (dotted instanceof Error) throw new Error(`not a valid JSONPath: ${query.message}`);
    query = dotted;
  }
  const compiled = query;
  return {
    source,
    first: (document) => (document === undefined ? undefined : compiled.match(document as JSONValue)?.value),
  };
}
