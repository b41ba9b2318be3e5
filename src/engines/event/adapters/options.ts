import type { z } from 'zod';
import type { BrokerTarget } from '../../../brokers/broker-target.js';
import { optionProblems } from '../../../brokers/option-problems.js';
import { InputError } from '../../../errors.js';

/** Validates a queue's `options:` map against an adapter's schema; an unknown or bad key is an input error (exit 2). */
export function parseAdapterOptions<S extends z.ZodType>(schema: S, target: BrokerTarget, scheme: string): z.output<S> {
  const parsed = schema.safeParse(target.options);
  if (parsed.success) return parsed.data;
  const problems = optionProblems(schema, target.options, `${scheme}://`).map(
    (p) => `${p.path.join('.')}: ${p.message}`,
  );
  throw new InputError(`events queue "${target.destination}" options (${scheme}): ${problems.join('; ')}`);
}
