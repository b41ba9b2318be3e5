import { z } from 'zod';

/** One problem of a queue's `options:` map, at the key it concerns (relative to `options`). */
export interface OptionProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Every problem of an `options:` map against a broker's schema: each unknown key on its own (with the keys the
 * broker does know), each bad value at its key. The planner reports these with the scenario's file and line; the
 * adapter's constructor checks again, for plans that did not come from a file.
 */
export function optionProblems(schema: z.ZodType, options: unknown, broker: string): OptionProblem[] {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return [];
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const unknown =
    keys.length === 0 ? `${broker} takes no options` : `not an option of ${broker} (known: ${keys.join(', ')})`;
  return parsed.error.issues.flatMap((issue): OptionProblem[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [key], message: unknown }))
      : [{ path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))), message: issue.message }],
  );
}
