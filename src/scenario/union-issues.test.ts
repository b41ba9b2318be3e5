import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openUnions } from './union-issues.js';

const Tls = z.union([z.boolean(), z.object({ ca: z.string() }).strict()]);
const Target = z.union([z.string(), z.object({ url: z.string(), timeout: z.number(), tls: Tls.optional() }).strict()]);
const Doc = z.object({ target: Target });

function problems(value: unknown): string[] {
  const parsed = Doc.safeParse(value);
  if (parsed.success) return [];
  return openUnions(parsed.error.issues).map((i) => `${i.path.join('.')}: ${i.code}`);
}

describe('openUnions', () => {
  it('reports the fields of the one branch whose type the value has, nested unions included', () => {
    expect(problems({ target: { url: 'http://x', timeout: 'soon', tls: { ca: 5 } } })).toEqual([
      'target.timeout: invalid_type',
      'target.tls.ca: invalid_type',
    ]);
    expect(problems({ target: { url: 'http://x', timeout: 1, extra: 1 } })).toEqual(['target: unrecognized_keys']);
  });

  it('lists the choices of a union of literals', () => {
    const Http = z.object({ http: z.union([z.literal(1), z.literal('auto')]) });
    const parsed = Http.safeParse({ http: 3 });
    expect(parsed.success).toBe(false);
    const [issue, ...rest] = openUnions(parsed.error?.issues ?? []);
    expect(rest).toEqual([]);
    expect(issue?.message).toBe('Invalid option: expected one of 1|"auto"');
    expect(issue?.path).toEqual(['http']);
  });

  it('keeps the union when no branch has the value’s type', () => {
    expect(problems({ target: 42 })).toEqual(['target: invalid_union']);
    expect(problems({ target: { url: 'http://x', timeout: 1 } })).toEqual([]);
  });
});
