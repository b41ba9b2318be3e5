import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** Scenario files above this size are refused: a scenario is a page of YAML, not a data set. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

const CHUNK = 64 * 1024;

/** What a message calls the file: "scenario" gives "cannot read scenario", "scenario is larger than ...". */
type Noun = 'scenario' | undefined;

/**
 * Reads at most `limit` + 1 bytes, so an endless or huge path (/dev/zero, a log file) is refused after the
 * limit, never read whole into memory.
 */
async function readBounded(file: string, shown: string, limit: number, noun: Noun): Promise<Buffer> {
  const cannot = `${shown}: cannot read${noun === undefined ? '' : ` ${noun}`}`;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new InputError(`${cannot}: ${reason(err)}`, { cause: err });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > limit) throw new InputError(`${shown}: ${noun ?? 'file'} is larger than ${mib(limit)} MiB`);
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${cannot}: ${reason(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
}

const mib = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 100) / 100);

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
}

/**
 * Decodes strictly: invalid UTF-8 is an error naming its line, never silently replaced by U+FFFD. A newline byte
 * never occurs inside a multi-byte sequence, so decoding line by line finds the first bad line exactly.
 */
function decodeUtf8(bytes: Buffer, shown: string): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      const slice = bytes.subarray(start, end === -1 ? bytes.length : end);
      try {
        decoder.decode(slice);
      } catch {
        throw new InputError(`${shown}:${line}: invalid UTF-8 (save the file as UTF-8)`);
      }
      if (end === -1) throw new InputError(`${shown}: invalid UTF-8 (save the file as UTF-8)`);
      start = end + 1;
    }
  }
}

/** The scenario's text: bounded in size, text not binary, valid UTF-8, not empty. */
export async function readScenarioText(file: string, shown: string, limit = MAX_SCENARIO_BYTES): Promise<string> {
  const text = await readText(file, shown, limit, 'scenario');
  if (text.trim() === '') throw new InputError(`${shown}: scenario file is empty`);
  return text;
}

/**
 * Any text input the user names (a HAR recording, an OpenAPI document): bounded in size, text not binary, valid
 * UTF-8 without its BOM. UTF-16 (some Windows tools save that way) is named as such instead of "binary".
 */
export async function readTextFile(file: string, shown: string, limit: number): Promise<string> {
  return readText(file, shown, limit, undefined);
}

async function readText(file: string, shown: string, limit: number, noun: Noun): Promise<string> {
  const bytes = await readBounded(file, shown, limit, noun);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${shown}: UTF-16 text (save the file as UTF-8)`);
  }
  if (bytes.includes(0)) throw new InputError(`${shown}: not a text file (binary content)`);
  return decodeUtf8(bytes, shown);
}
