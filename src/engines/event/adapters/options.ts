import type { z } from 'zod';
import { InputError } from '../../../errors.js';
import type { BrokerTarget } from '../broker-adapter.js';

/** Validates a queue's `options:` map against an adapter's schema; an unknown or bad key is an input error (exit 2). */
export function parseAdapterOptions<S extends z.ZodType>(schema: S, target: BrokerTarget, scheme: string): z.output<S> {
  const parsed = schema.safeParse(target.options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const key = i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.');
    return `${key}: ${i.code === 'unrecognized_keys' ? 'not an option of this broker' : i.message}`;
  });
  throw new InputError(`events queue "${target.destination}" options (${scheme}): ${problems.join('; ')}`);
}
