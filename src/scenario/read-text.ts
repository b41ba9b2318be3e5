import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** Scenario files above this size are refused: a scenario is a page of YAML, not a data set. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

const CHUNK = 64 * 1024;

/**
 * Reads at most `limit` + 1 bytes, so an endless or huge path (/dev/zero, a log file) is refused after the
 * limit, never read whole into memory.
 */
async function readBounded(file: string, shown: string, limit: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new InputError(`${shown}: cannot read scenario: ${reason(err)}`, { cause: err });
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
    if (total > limit) throw new InputError(`${shown}: scenario is larger than ${limit / (1024 * 1024)} MiB`);
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${shown}: cannot read scenario: ${reason(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
}

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
  const bytes = await readBounded(file, shown, limit);
  if (bytes.includes(0)) throw new InputError(`${shown}: not a text file (binary content)`);
  const text = decodeUtf8(bytes, shown);
  if (text.trim() === '') throw new InputError(`${shown}: scenario file is empty`);
  return text;
}
