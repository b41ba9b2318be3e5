import { z } from 'zod';

/** A decimal number as people write it: "200", "-1", "0.5", ".5", "1e12", "2.5E-3". */
const NUMBER_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A number that may arrive as text: from ${ENV} interpolation, from flags (--rate 1e3), or quoted in YAML.
 * Text that is no number gets a message that says so, not "expected number, received string".
 */
export const numberish = (schema: z.ZodNumber) =>
  z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      if (NUMBER_TEXT.test(v)) return Number(v);
      ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(v)} (e.g. 200, 0.5, 1e3)` });
      return z.NEVER;
    })
    .pipe(schema);
