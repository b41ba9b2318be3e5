import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../result/run-result.js';
import type { Reporter } from './reporter.js';

/** The versioned JSON result as written to a file, and as `report --format json` prints it again. */
export function formatJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Writes the versioned JSON result (docs/result-schema.md). Written atomically enough for CI: one write call. */
export class JsonReporter implements Reporter {
  readonly name = 'json';
  constructor(private readonly file: string) {}

  async onEnd(result: RunResult): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, formatJson(result));
  }
}
