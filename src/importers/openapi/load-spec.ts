import { access, constants } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FileInfo } from '@apidevtools/json-schema-ref-parser';
import { InputError } from '../../errors.js';
import { isObject, type JsonObject } from '../json-shape.js';
import { fetchLoopbackText, isUrl } from '../loopback.js';

/**
 * Reads an OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON, file or loopback URL) and resolves every
 * $ref, external files included, with @apidevtools/swagger-parser. Circular references are left as $ref
 * (the generator notes them); anything the parser rejects is one line of bad input naming the document.
 */
export async function loadSpec(source: string): Promise<JsonObject> {
  if (!isUrl(source)) await readable(source);
  let doc: unknown;
  // The parser replaces a resolver's error with "Error reading file": keep ours, which says why.
  const readErrors: InputError[] = [];
  const read = async (file: FileInfo): Promise<string> => {
    try {
      return await fetchLoopbackText(file.url);
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
          read,
        },
      },
      dereference: { circular: 'ignore' },
    });
  } catch (err) {
    const reason = readErrors[0];
    if (reason !== undefined) throw new InputError(`${source}: ${reason.message}`);
    throw new InputError(`${source}: not a usable OpenAPI document: ${oneLine(err)}`);
  }
  if (!isObject(doc)) throw new InputError(`${source}: not an OpenAPI document`);
  return doc;
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
