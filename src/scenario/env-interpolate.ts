/**
 * `${NAME}` and `${NAME:-default}` in scenario string values, resolved at load time from the environment.
 * Done on parsed values (never on raw text) so a variable can never inject YAML structure.
 * `$${` escapes a literal `${`.
 */
const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
}

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  path: (string | number)[],
  problems: InterpolationProblem[],
): string {
  if (!text.includes('${')) return text;
  return text.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const value = name === undefined ? undefined : env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    problems.push({
      path,
      message: `environment variable ${name} is not set (use \${${name}:-default} for a default)`,
    });
    return match;
  });
}

/** Returns a copy of `value` with every string interpolated, plus one problem per unset variable. */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: (string | number)[] = [],
  problems: InterpolationProblem[] = [],
): { value: unknown; problems: InterpolationProblem[] } {
  if (typeof value === 'string') return { value: interpolateString(value, env, path, problems), problems };
  if (Array.isArray(value)) {
    return { value: value.map((item, i) => interpolateEnv(item, env, [...path, i], problems).value), problems };
  }
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: a "__proto__" key stays data instead of replacing the prototype.
    const entries = Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k], problems).value]);
    return { value: Object.fromEntries(entries), problems };
  }
  return { value, problems };
}

/** The variables a scenario's text refers to without a default: what a process that loads it elsewhere must be given. */
export function requiredVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PATTERN)) if (m[1] !== undefined && m[2] === undefined) names.add(m[1]);
  return [...names];
}
