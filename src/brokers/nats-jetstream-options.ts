import { z } from 'zod';

/**
 * NATS JetStream's keys of a queue's `options:` map. Kept apart from the adapter so the planner can check them
 * (through the broker catalogue) without loading the @nats-io packages.
 */
export const NatsJetStreamOptions = z
  .object({
    stream: z
      .string()
      .regex(/^[^.*>\s]+$/)
      .optional()
      .meta({ description: 'Stream name (default: the subject, dots as _)' }),
    storage: z.enum(['file', 'memory']).default('file'),
    retention: z.enum(['limits', 'workqueue']).default('limits'),
  })
  .strict();

export type NatsJetStreamOptions = z.output<typeof NatsJetStreamOptions>;
