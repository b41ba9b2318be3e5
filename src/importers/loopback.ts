import { InputError } from '../errors.js';

/**
 * Importers may read a spec from a URL, but only from this machine: the tool sends nothing beyond loopback
 * (127.0.0.0/8, ::1, localhost), and a $ref inside a fetched spec obeys the same rule.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export function assertLoopbackUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${what}: not a valid URL: ${url}`);
  }
  if (!isLoopbackHost(parsed.hostname)) {
    throw new InputError(
      `${what}: refusing to fetch from ${parsed.hostname}: only loopback hosts (127.0.0.1, ::1, localhost); download the file and pass its path`,
    );
  }
  return parsed;
}

/** GETs a loopback URL as text, at most `limit` bytes; a failure is bad input naming the URL, not a crash. */
export async function fetchLoopbackText(url: string, what: string, limit: number): Promise<string> {
  assertLoopbackUrl(url, what);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new InputError(`${what}: cannot fetch: ${reason}`);
  }
  if (response.status !== 200) throw new InputError(`${what}: HTTP ${response.status} (expected 200)`);
  return boundedText(response, what, limit);
}

const mib = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 100) / 100);

/** The body, read until `limit` bytes at most: an endless or huge answer is refused, not buffered whole. */
async function boundedText(response: Response, what: string, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new InputError(`${what}: larger than ${mib(limit)} MiB (content-length ${declared})`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength;
      // Leaving the loop by throwing cancels the stream (the iterator's return()), so the server stops sending.
      if (total > limit) throw new InputError(`${what}: larger than ${mib(limit)} MiB`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: cannot fetch: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, total));
  } catch {
    throw new InputError(`${what}: invalid UTF-8 (serve the document as UTF-8)`);
  }
}
