/**
 * Credentials in a target URL (`http://alice:pw@host/`) become a Basic `authorization` header, as curl does,
 * instead of being silently dropped; the URL the engines connect to carries none. The header is a secret one,
 * so it is redacted wherever headers are shown, and every display of the URL goes through redactUrl.
 */
export function splitCredentials(url: string): { url: string; authorization: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, authorization: undefined };
  }
  if (parsed.username === '' && parsed.password === '') return { url, authorization: undefined };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  return { url: parsed.href, authorization };
}

/** Adds the URL's Basic credentials to `headers`, unless an authorization header is already given. */
export function withUrlCredentials(
  headers: Readonly<Record<string, string>>,
  authorization: string | undefined,
): Record<string, string> {
  if (authorization === undefined) return { ...headers };
  const given = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return given ? { ...headers } : { ...headers, authorization };
}
