import { objectAt, objectEntries, objectsAt, stringAt, stringsAt, type JsonObject } from '../json-shape.js';

/** Where the scenario sends: --base-url, else the document's first server (variables at their defaults). */
export interface BaseUrl {
  readonly url: string;
  readonly note: string | undefined;
}

const FALLBACK = 'http://127.0.0.1:3000';

export function baseUrl(doc: JsonObject, source: string | undefined, override: string | undefined): BaseUrl {
  if (override !== undefined) return { url: override, note: undefined };
  const declared = typeof doc.swagger === 'string' ? swagger2Url(doc) : openApi3Url(doc);
  if (declared === undefined) {
    return fromSource('/', source, 'the document names no server');
  }
  if (/^https?:\/\//i.test(declared)) return { url: declared, note: undefined };
  return fromSource(declared, source, `the server URL ${declared} is relative`);
}

/** A relative server URL is relative to where the document came from; from a file we cannot know. */
function fromSource(path: string, source: string | undefined, why: string): BaseUrl {
  if (source !== undefined && /^https?:\/\//i.test(source)) return { url: new URL(path, source).href, note: undefined };
  const url = new URL(path.startsWith('/') ? path : `/${path}`, FALLBACK).href;
  return { url, note: `${why}: using ${url}; change target.url or pass --base-url` };
}

function openApi3Url(doc: JsonObject): string | undefined {
  const server = objectsAt(doc, 'servers')[0];
  const template = stringAt(server, 'url');
  if (template === undefined) return undefined;
  let url = template;
  for (const [name, variable] of objectEntries(objectAt(server, 'variables'))) {
    const value = stringAt(variable, 'default') ?? stringsAt(variable, 'enum')[0] ?? '';
    url = url.split(`{${name}}`).join(value);
  }
  return url;
}

function swagger2Url(doc: JsonObject): string | undefined {
  const host = stringAt(doc, 'host');
  const basePath = stringAt(doc, 'basePath') ?? '';
  if (host === undefined) return basePath === '' ? undefined : basePath;
  const schemes = stringsAt(doc, 'schemes');
  const scheme = schemes.includes('https') && !schemes.includes('http') ? 'https' : (schemes[0] ?? 'http');
  return `${scheme}://${host}${basePath}`;
}
