import { compileJsonPath, type JsonPath } from './json-path.js';
import type { CheckConfig } from './schema.js';

/** A response check as the engines run it: its JSONPath compiled once, at plan time. */
export interface CheckPlan extends Omit<CheckConfig, 'jsonPath'> {
  jsonPath?: JsonPath;
}

type FieldPath = readonly (string | number)[];

/** Compiles a request's checks; a JSONPath that can never match is a problem at `checks[j].jsonPath`. */
export function planChecks(
  checks: readonly CheckConfig[] | undefined,
  at: FieldPath,
  problems: { add(path: FieldPath, message: string): void },
): CheckPlan[] {
  return (checks ?? []).map((check, j) => {
    if (check.jsonPath === undefined) return { ...check, jsonPath: undefined };
    try {
      return { ...check, jsonPath: compileJsonPath(check.jsonPath) };
    } catch (err) {
      problems.add([...at, 'checks', j, 'jsonPath'], (err as Error).message);
      return { ...check, jsonPath: undefined };
    }
  });
}
