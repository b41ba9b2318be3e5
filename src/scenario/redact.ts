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

/** The secret parts of a URL (user, password, secret-looking query values), raw and decoded, to scrub from messages. */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const m = /\/\/([^/@\s]*)@/.exec(url);
    return m?.[1] === undefined ? [] : [m[1], ...m[1].split(':')];
  }
  const out = [parsed.username, parsed.password];
  for (const [key, value] of parsed.searchParams) if (/pass|secret|token|key|auth/i.test(key)) out.push(value);
  const decoded = out.map((v) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  });
  // Longest first, so a password is removed whole before a shorter secret inside it.
  return [...new Set([...out, ...decoded])].filter((v) => v !== '').sort((a, b) => b.length - a.length);
}

/** The URL as the user wrote it when it holds no secret, else redacted (redacting also normalises it). */
export function displayUrl(url: string): string {
  return urlSecrets(url).length > 0 ? redactUrl(url) : url;
}

/** A library's error text about `url`, with the URL shown redacted and none of its secrets left in the text. */
export function scrubUrlMessage(text: string, url: string): string {
  return scrubSecrets(text.split(url).join(displayUrl(url)), urlSecrets(url));
}

/** Removes every occurrence of the given secret values from a free-text message (error texts from libraries). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
