import { z } from 'zod';
import { InputError } from '../../errors.js';
import { readTextFile } from '../../scenario/read-text.js';

/**
 * A HAR 1.2 file (what browsers' devtools save), narrowed to the fields the importer reads. Fields a browser
 * may leave out are optional; everything else is kept loose so a real recording is never rejected for extras.
 */
const NameValue = z.object({ name: z.string(), value: z.string() });

const HarEntry = z.object({
  startedDateTime: z.string(),
  time: z.number().optional().default(0),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.array(NameValue).default([]),
    postData: z.object({ mimeType: z.string().default(''), text: z.string().optional() }).optional(),
  }),
  // A request that failed or was aborted has no response in some tools' recordings, status 0 (browsers) or -1
  // (Playwright) in others: all read as status 0 and are left out as "no response" (select-entries.ts).
  response: z
    .object({
      status: z.number(),
      headers: z.array(NameValue).default([]),
      content: z
        .object({ mimeType: z.string().optional(), text: z.string().optional(), encoding: z.string().optional() })
        .default({}),
    })
    .optional()
    .transform((r) => r ?? { status: 0, headers: [], content: {} }),
});

const Har = z.object({ log: z.object({ entries: z.array(HarEntry) }) });

export type HarEntry = z.output<typeof HarEntry>;
export type HarHeader = z.output<typeof NameValue>;

/**
 * A recording with its bodies embedded runs to tens of MiB; past this it is not one journey (and JSON.parse of an
 * unbounded file, or of /dev/zero, would take the machine's memory instead of saying so).
 */
export const MAX_HAR_BYTES = 256 * 1024 * 1024;

export async function readHar(file: string, limit = MAX_HAR_BYTES): Promise<HarEntry[]> {
  // Strict UTF-8 (HAR 1.2 says so): a byte replaced by U+FFFD would be replayed as a different value.
  const text = await readTextFile(file, file, limit);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not a HAR file: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = Har.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? 'log' : issue.path.join('.') || 'top level';
    throw new InputError(`${file}: not a HAR file: ${where}: ${issue?.message ?? 'unexpected shape'}`);
  }
  return [...parsed.data.log.entries].sort((a, b) => startMs(a) - startMs(b));
}

export const startMs = (e: HarEntry): number => Date.parse(e.startedDateTime) || 0;

/** A response body as text: HAR stores binary and sometimes JSON as base64. */
export function responseText(e: HarEntry): string | undefined {
  const { text, encoding } = e.response.content;
  if (text === undefined) return undefined;
  return encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text;
}

export const headerValue = (headers: readonly HarHeader[], name: string): string | undefined =>
  headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
