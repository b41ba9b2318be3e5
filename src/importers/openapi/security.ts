import { envName, envPlaceholder } from '../env-name.js';
import { objectAt, stringAt, type JsonObject } from '../json-shape.js';

/**
 * Security schemes become headers (or query parameters) whose values are read from the environment when the
 * scenario is loaded (`${API_TOKEN}`): a secret never lands in the scenario file.
 */
export interface AuthPlacement {
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  /** Environment variables the scenario needs, in order of first use. */
  readonly env: string[];
  readonly notes: string[];
}

export const emptyAuth = (): AuthPlacement => ({ headers: {}, query: {}, env: [], notes: [] });

function schemesOf(doc: JsonObject): JsonObject | undefined {
  return objectAt(objectAt(doc, 'components'), 'securitySchemes') ?? objectAt(doc, 'securityDefinitions');
}

/** Adds the placement of each named scheme to `into` (shared by every operation that uses it). */
export function placeAuth(names: readonly string[], doc: JsonObject, into: AuthPlacement): void {
  const schemes = schemesOf(doc);
  for (const name of names) {
    const scheme = objectAt(schemes, name);
    if (scheme === undefined) {
      into.notes.push(`security scheme ${name} is not defined; no credentials are sent for it`);
      continue;
    }
    placeScheme(name, scheme, into);
  }
}

function useEnv(into: AuthPlacement, variable: string): string {
  if (!into.env.includes(variable)) into.env.push(variable);
  return envPlaceholder(variable);
}

type Placer = (name: string, scheme: JsonObject, into: AuthPlacement) => void;

const basic: Placer = (_name, _scheme, into) => {
  into.headers.authorization = `Basic ${useEnv(into, 'API_BASIC_CREDENTIALS')}`;
};
const bearer: Placer = (_name, _scheme, into) => {
  into.headers.authorization = `Bearer ${useEnv(into, 'API_TOKEN')}`;
};
const token: Placer = (name, scheme, into) => {
  bearer(name, scheme, into);
  into.notes.push(`${name} (${stringAt(scheme, 'type') ?? ''}): obtain an access token beforehand and set API_TOKEN`);
};

/** Scheme kinds we can place: `type`, or `http:<scheme>` for HTTP authentication (RFC 7235 scheme names). */
const PLACERS = {
  basic, // Swagger 2.0
  'http:basic': basic,
  'http:bearer': bearer,
  oauth2: token,
  openIdConnect: token,
  apiKey: (name, scheme, into) => placeApiKey(name, scheme, into),
} satisfies Record<string, Placer>;

function placeScheme(name: string, scheme: JsonObject, into: AuthPlacement): void {
  const type = stringAt(scheme, 'type') ?? 'no type';
  const kind = type === 'http' ? `http:${(stringAt(scheme, 'scheme') ?? '').toLowerCase()}` : type;
  const placer: Placer | undefined = Object.hasOwn(PLACERS, kind) ? PLACERS[kind as keyof typeof PLACERS] : undefined;
  if (placer !== undefined) placer(name, scheme, into);
  else into.notes.push(`security scheme ${name} (${kind}) is not supported; add its credentials by hand`);
}

function placeApiKey(name: string, scheme: JsonObject, into: AuthPlacement): void {
  const keyName = stringAt(scheme, 'name') ?? name;
  const value = useEnv(into, envName(name));
  switch (stringAt(scheme, 'in')) {
    case 'query':
      into.query[keyName] = value;
      break;
    case 'cookie':
      into.headers.cookie = [into.headers.cookie, `${keyName}=${value}`].filter(Boolean).join('; ');
      break;
    default:
      into.headers[keyName.toLowerCase()] = value;
  }
}
