import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../../errors.js';

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
  response: z.object({
    status: z.number(),
    headers: z.array(NameValue).default([]),
    content: z
      .object({ mimeType: z.string().optional(), text: z.string().optional(), encoding: z.string().optional() })
      .default({}),
  }),
});

const Har = z.object({ log: z.object({ entries: z.array(HarEntry) }) });

export type HarEntry = z.output<typeof HarEntry>;
export type HarHeader = z.output<typeof NameValue>;

export async function readHar(file: string): Promise<HarEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : String(code ?? err)}`);
  }
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
