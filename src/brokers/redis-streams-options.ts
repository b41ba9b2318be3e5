import { z } from 'zod';

/**
 * Redis Streams' keys of a queue's `options:` map. Kept apart from the adapter so the planner can check them
 * (through the broker catalogue) without loading ioredis.
 */
export const RedisStreamsOptions = z
  .object({
    maxLen: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'XADD MAXLEN ~ n: cap the stream (trims unread entries!)' }),
  })
  .strict();

export type RedisStreamsOptions = z.output<typeof RedisStreamsOptions>;
