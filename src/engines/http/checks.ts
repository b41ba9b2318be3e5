import type { CheckConfig } from '../../scenario/schema.js';

/** Follows "a.b.0.c" (an optional leading "$." is allowed) into parsed JSON. */
export function readJsonPath(value: unknown, path: string): unknown {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter((k) => k !== '');
  let current: unknown = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export interface ResponseView {
  body: string | undefined;
  header(name: string): string | undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Returns a description of the first failed check, or undefined when all pass. */
export function runChecks(checks: readonly CheckConfig[], response: ResponseView): string | undefined {
  let json: unknown;
  let parsed = false;
  for (const check of checks) {
    let subject: unknown;
    let label: string;
    if (check.header !== undefined) {
      subject = response.header(check.header);
      label = `header ${check.header}`;
    } else if (check.jsonPath !== undefined) {
      if (!parsed) {
        json = parseJson(response.body);
        parsed = true;
      }
      subject = readJsonPath(json, check.jsonPath);
      label = `jsonPath ${check.jsonPath}`;
    } else {
      subject = response.body;
      label = 'body';
    }
    if (check.exists !== undefined && (subject !== undefined) !== check.exists) {
      return `${label} ${check.exists ? 'missing' : 'present'}`;
    }
    if (check.equals !== undefined && subject !== check.equals && String(subject) !== String(check.equals)) {
      return `${label} is ${JSON.stringify(subject)}, expected ${JSON.stringify(check.equals)}`;
    }
    if (check.contains !== undefined && !(typeof subject === 'string' && subject.includes(check.contains))) {
      return `${label} does not contain ${JSON.stringify(check.contains)}`;
    }
  }
  return undefined;
}
