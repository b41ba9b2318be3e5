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

/**
 * Query parameters whose values are secrets by convention (OAuth, API keys, signed URLs such as S3's
 * X-Amz-Signature), matched case-insensitively on the whole name or on one of its words (`my_api_key`).
 */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'signature',
  'sig',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'auth',
  'authorization',
  'code',
  'session',
  'sessionid',
  'credential',
  'credentials',
  'jwt',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);
/** Any name that spells one of these, as part of a longer word too ("xApiKey", "db_password"). */
const SECRET_PARAM_PATTERN = /pass|secret|token|api.?key|auth|signature|credential/i;

export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_PARAMS.has(lower) || SECRET_PARAM_PATTERN.test(lower)) return true;
  return lower.split(/[^a-z0-9]+/).some((word) => SECRET_PARAMS.has(word));
}

/** Redacts secret values in a query string ("?a=1&token=x" → "?a=1&token=[redacted]"), keeping the rest as written. */
export function redactQuery(query: string): string {
  return query.replace(/([?&;#])([^=&;#]+)=([^&;#]*)/g, (whole, sep: string, name: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is judged as written.
    }
    return isSecretParam(decoded) ? `${sep}${name}=${REDACTED}` : whole;
  });
}

/** Drops user:password from a URL ("amqp://guest:guest@host" → "amqp://***@host"), and secret query values. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: still strip anything that looks like credentials before an @, and secret params.
    return redactQuery(url.replace(/\/\/[^/@\s]*@/, '//***@'));
  }
  const search = redactQuery(parsed.search);
  // OAuth's implicit flow puts tokens in the fragment.
  const hash = redactQuery(parsed.hash);
  const credentials = parsed.username !== '' || parsed.password !== '';
  // Nothing secret: shown exactly as written (no normalising slash added).
  if (!credentials && search === parsed.search && hash === parsed.hash) return url;
  if (credentials) {
    parsed.username = '***';
    parsed.password = '';
  }
  parsed.search = search;
  parsed.hash = hash;
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
  for (const [key, value] of parsed.searchParams) if (isSecretParam(key)) out.push(value);
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

/** URLs inside free text (a library's error message), each redacted as redactUrl does. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/** Removes every occurrence of the given secret values from a free-text message (error texts from libraries). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
