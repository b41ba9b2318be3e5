import { envName, envPlaceholder } from '../env-name.js';

/**
 * Credentials a recording carries outside headers: a login form's password, an OAuth token in a query string
 * (RFC 6750 §2.3), a client secret in a JSON body. Each value becomes `${NAME}` read from the environment, so the
 * scenario file never holds what the user typed or the server issued for that session.
 */
const SECRET_FIELD =
  /^(?:password|passwd|new_?password|current_?password|secret|client_?secret|access_?token|id_?token|refresh_?token|api_?key|apikey|api-key)$/i;

export const isSecretField = (name: string): boolean => SECRET_FIELD.test(name);

/** Adds the variable to `env` (first use first) and gives its placeholder. */
export type UseEnv = (variable: string) => string;

export function envUser(env: string[]): UseEnv {
  return (variable) => {
    if (!env.includes(variable)) env.push(variable);
    return envPlaceholder(variable);
  };
}

/** A value correlation already made a `{{vars.x}}` is the journey's own: left as it is; so is an object. */
function hide(name: string, value: unknown, use: UseEnv): unknown {
  if (!isSecretField(name) || value === null || typeof value === 'object') return value;
  return typeof value === 'string' && value.includes('{{vars.') ? value : use(envName(name));
}

export function hideSecretQuery(query: Record<string, string>, use: UseEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(hide(k, v, use))]));
}

export function hideSecretJson(value: unknown, use: UseEnv): unknown {
  if (Array.isArray(value)) return value.map((item) => hideSecretJson(item, use));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideSecretJson(hide(k, v, use), use)]));
  }
  return value;
}

/** `user=ada&password=pw` → `user=ada&password=${PASSWORD}`; the environment's value is sent as set (encode it). */
export function hideSecretForm(body: string, use: UseEnv): string {
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return isSecretField(name) ? `${pair.slice(0, eq)}=${use(envName(name))}` : pair;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
