import { z } from 'zod';

/**
 * Kafka's keys of a queue's `options:` map. Kept apart from the adapter so the planner can check them (through the
 * broker catalogue) without loading kafkajs; unknown keys are an error.
 */
export const KafkaOptions = z
  .object({
    acks: z
      .enum(['all', 'leader'])
      .default('all')
      .meta({ description: 'all (acks=-1, every in-sync replica) or leader (acks=1); acks=0 has no ack to time' }),
    partitions: z.number().int().min(1).max(10_000).optional().meta({ description: 'Partitions of a created topic' }),
    replicationFactor: z.number().int().min(1).max(100).optional().meta({ description: 'Replicas of a created topic' }),
    commitIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .meta({ description: 'Our consumers commit at least this often (and after every fetched batch)' }),
    ssl: z.boolean().default(false),
    saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).default('plain'),
    clientId: z.string().min(1).default('backend-bench'),
  })
  .strict();

export type KafkaOptions = z.output<typeof KafkaOptions>;
