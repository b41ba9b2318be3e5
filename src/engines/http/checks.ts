import type { CheckPlan } from '../../scenario/check-plan.js';

export interface ResponseView {
  body: string | undefined;
  /** The body already decoded (a gRPC response message); when set, JSONPath checks read it instead of `body`. */
  json?: unknown;
  header(name: string): string | undefined;
}

/** The body as JSON; undefined when it is not JSON, so every path selects nothing. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Returns a description of the first failed check, or undefined when all pass. */
export function runChecks(checks: readonly CheckPlan[], response: ResponseView): string | undefined {
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
        json = response.json !== undefined ? response.json : parseJson(response.body);
        parsed = true;
      }
      subject = check.jsonPath.first(json);
      label = `jsonPath ${check.jsonPath.source}`;
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
