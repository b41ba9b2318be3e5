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

/** GETs a loopback URL as text; a failure is bad input naming the URL, not a crash. */
export async function fetchLoopbackText(url: string, what = url): Promise<string> {
  assertLoopbackUrl(url, what);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new InputError(`${what}: cannot fetch: ${reason}`);
  }
  if (response.status !== 200) throw new InputError(`${what}: HTTP ${response.status} (expected 200)`);
  return response.text();
}
