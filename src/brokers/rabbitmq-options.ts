import { z } from 'zod';

/**
 * RabbitMQ's keys of a queue's `options:` map. Kept apart from the adapter so the planner can check them (through the broker
 * catalogue) without loading amqplib.
 */
export const RabbitMqOptions = z
  .object({
    managementUrl: z.string().url().optional().meta({ description: 'e.g. http://guest:guest@127.0.0.1:15672' }),
    durable: z.boolean().default(true).meta({ description: 'Declare the queue durable (when it is created)' }),
    persistent: z.boolean().default(false).meta({ description: 'Publish with delivery mode 2 (written to disk)' }),
  })
  .strict();

export type RabbitMqOptions = z.output<typeof RabbitMqOptions>;
