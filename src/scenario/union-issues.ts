import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** A branch that failed only because the value is not of its type (a mapping given where a string is expected). */
function wrongType(branch: readonly Issue[]): boolean {
  return branch.every((i) => i.path.length === 0 && i.code === 'invalid_type');
}

/** A union of literals (`http: 1 | 2 | auto`): each branch refused the value, which is none of them. */
function literals(issue: Issue & { code: 'invalid_union' }): Issue | undefined {
  const values = issue.errors.map((b) => (b.length === 1 && b[0]?.code === 'invalid_value' ? b[0].values : undefined));
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  const all = values.flatMap((v) => v ?? []);
  const message = `Invalid option: expected one of ${all.map((v) => JSON.stringify(v)).join('|')}`;
  return { code: 'invalid_value', values: all, path: issue.path, message, input: issue.input };
}

/**
 * A union (a URL string or a target mapping, `tls: true` or a TLS mapping, ...) rejects a value as "Invalid
 * input" when no branch fits. When the value has the type of exactly one branch, what that branch found is what
 * the user got wrong (`target.timeout: not a duration`): those issues replace the union's, at their full path.
 * Unions nested in that branch are opened the same way; a union of literals lists them; another union no branch's
 * type fits stays as it is.
 */
export function openUnions(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const fitting = issue.code === 'invalid_union' ? issue.errors.filter((b) => !wrongType(b)) : [];
    const branch = fitting.length === 1 ? fitting[0] : undefined;
    if (branch === undefined) {
      out.push((issue.code === 'invalid_union' ? literals(issue) : undefined) ?? issue);
      continue;
    }
    for (const inner of openUnions(branch)) out.push({ ...inner, path: [...issue.path, ...inner.path] });
  }
  return out;
}
