/** Header names whose values are secrets; matched case-insensitively. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'api-key',
]);

export const REDACTED = '[redacted]';

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = isSecretHeader(k) ? REDACTED : v;
  return out;
}

/** Drops user:password from a URL ("amqp://guest:guest@host" → "amqp://***@host"), and secret-looking query values. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: still strip anything that looks like credentials before an @.
    return url.replace(/\/\/[^/@\s]*@/, '//***@');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|token|key|auth/i.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** Removes every occurrence of the given secret values from a free-text message (error texts from libraries). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
