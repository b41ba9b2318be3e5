import { access, constants } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FileInfo } from '@apidevtools/json-schema-ref-parser';
import { InputError } from '../../errors.js';
import { readTextFile } from '../../scenario/read-text.js';
import { isObject, type JsonObject } from '../json-shape.js';
import { fetchLoopbackText, isUrl } from '../loopback.js';

/**
 * The largest document (and each file a $ref pulls in) we read. Real specs with thousands of operations are a few
 * MiB; past this the input is not a spec, and an endless path (/dev/zero, a FIFO) must not take the memory.
 */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

/**
 * Reads an OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON, file or loopback URL) and resolves every
 * $ref, external files included, with @apidevtools/swagger-parser. Circular references are left as $ref
 * (the generator notes them); anything the parser rejects is one line of bad input naming the document.
 */
export async function loadSpec(source: string, limit = MAX_SPEC_BYTES): Promise<JsonObject> {
  if (!isUrl(source)) await readable(source);
  let doc: unknown;
  // The parser replaces a resolver's error with "Error reading file": keep ours, which says why.
  const readErrors: InputError[] = [];
  const keepReason =
    (read: (file: FileInfo) => Promise<string>) =>
    async (file: FileInfo): Promise<string> => {
      try {
        return await read(file);
      } catch (err) {
        if (err instanceof InputError) readErrors.push(err);
        throw err;
      }
    };
  try {
    doc = await SwaggerParser.dereference(source, {
      resolve: {
        // External $refs of a fetched document go through the same loopback-only reader as the document itself.
        http: false,
        loopback: {
          order: 1,
          canRead: (file: FileInfo) => isUrl(file.url),
          read: keepReason((file) => fetchLoopbackText(file.url, file.url, limit)),
        },
        // Files are read bounded and as strict UTF-8 instead of by the parser's whole-file reader, which is off
        // (a resolver that fails falls through to the next one: /dev/zero would be read after all).
        file: false,
        bounded: {
          order: 2,
          canRead: (file: FileInfo) => filePath(file.url) !== undefined,
          read: keepReason((file) => {
            const path = filePath(file.url) ?? file.url;
            return readTextFile(path, shownPath(path, source), limit);
          }),
        },
      },
      dereference: { circular: 'ignore' },
    });
  } catch (err) {
    const reason = readErrors[0];
    if (reason !== undefined) {
      throw new InputError(reason.message.startsWith(`${source}:`) ? reason.message : `${source}: ${reason.message}`);
    }
    throw new InputError(`${source}: not a usable OpenAPI document: ${oneLine(err)}`);
  }
  if (!isObject(doc)) throw new InputError(`${source}: not an OpenAPI document`);
  return doc;
}

/** The parser names local files by absolute, percent-encoded path ("/a/b%20c.yaml") or file:// URL. */
function filePath(url: string): string | undefined {
  if (isUrl(url)) return undefined;
  try {
    if (/^file:/i.test(url)) return fileURLToPath(url);
    return url.startsWith('/') ? fileURLToPath(`file://${url}`) : undefined;
  } catch {
    return undefined;
  }
}

/** A file as the user would name it: the document as given, a $ref file relative to the working directory. */
function shownPath(path: string, source: string): string {
  if (!isUrl(source) && resolve(source) === path) return source;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

async function readable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
}

/** The parser's message, without its stack or the absolute paths it likes to repeat. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.trim() || 'unknown error';
}
