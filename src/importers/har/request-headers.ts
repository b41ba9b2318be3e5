import { envName } from '../env-name.js';
import type { UseEnv } from './secret-fields.js';
import type { HarHeader } from './read-har.js';

/**
 * The headers a replay should send: the recording's, minus hop-by-hop headers (RFC 9110 §7.6.1), those the
 * HTTP client sets itself, and browser noise (client hints, fetch metadata, caching validators that would turn
 * replays into 304s). Credentials become environment placeholders.
 */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
  'accept-language',
  'user-agent',
  'referer',
  'dnt',
  'upgrade-insecure-requests',
  'priority',
  'pragma',
  'cache-control',
  'if-none-match',
  'if-modified-since',
  'purpose',
  'x-client-data',
  'traceparent',
  'tracestate',
]);
const BROWSER_PREFIX = /^(?::|sec-)/i;
/** Credential headers besides authorization and cookie; their values never reach the scenario file. */
const SECRET = /^(?:proxy-authorization|x-api-key|api-key|apikey|x-auth-token|x-access-token)$/i;

export function keptHeaders(headers: readonly HarHeader[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    if (DROPPED.has(key) || BROWSER_PREFIX.test(key)) continue;
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/**
 * Replaces credential values with `${VAR}` placeholders, unless correlation already made them a captured
 * `{{vars.x}}` (a token the journey itself obtained). Adds each variable it uses to `env`.
 */
export function hideSecrets(headers: Record<string, string>, use: UseEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value.includes('{{vars.')) out[name] = value;
    else if (name === 'authorization') out[name] = authorization(value, use);
    else if (name === 'cookie') out[name] = use('COOKIE');
    else if (SECRET.test(name)) out[name] = use(envName(name));
    else out[name] = value;
  }
  return out;
}

function authorization(value: string, use: UseEnv): string {
  const [scheme] = value.split(' ', 1);
  if (/^bearer$/i.test(scheme ?? '')) return `Bearer ${use('API_TOKEN')}`;
  if (/^basic$/i.test(scheme ?? '')) return `Basic ${use('API_BASIC_CREDENTIALS')}`;
  return use('AUTHORIZATION');
}
