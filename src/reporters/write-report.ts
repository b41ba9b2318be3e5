import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunError } from '../errors.js';

/** Writes a report file, creating its directory; a failure names the file. */
export async function writeReport(file: string, text: string, mode: 'write' | 'append' = 'write'): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await (mode === 'write' ? writeFile(file, text) : appendFile(file, text));
  } catch (err) {
    throw new RunError(`cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
