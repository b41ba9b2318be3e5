import { z } from 'zod';
import { brokerSchemes } from '../brokers/catalogue.js';
import { numberish } from './number-text.js';
import type { Duration as DurationSchema } from './schema.js';

/**
 * The event-driven part of the scenario format: a broker and the queues (streams, subjects, topics) to publish to,
 * consume from, or watch. schema.ts composes it into Scenario with its own Duration, so there is one duration
 * syntax and no import cycle.
 */

/** Scope names SLOs can spell ("queue:orders lag_max < 100"): the SLO grammar's name characters. */
const ScopeName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_./-]+$/, 'queue names use letters, digits and _ . / - (SLOs refer to them)');
/** A generated message body above this is a typo, not a test: it would only measure the generator's memory. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const count = (min: number) => numberish(z.number().int().min(min));
const Scalars = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const Headers = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const DESTINATION_KEYS = ['queue', 'stream', 'subject', 'topic'] as const;

export function eventSchemas(blocks: { Duration: typeof DurationSchema }) {
  const { Duration } = blocks;
  const Queue = z
    .object({
      name: ScopeName.optional().meta({ description: 'Name in reports and SLO scopes; defaults to the destination' }),
      queue: z.string().min(1).optional().meta({ description: 'RabbitMQ queue' }),
      stream: z.string().min(1).optional().meta({ description: 'Redis stream or NATS JetStream stream subject' }),
      subject: z.string().min(1).optional().meta({ description: 'NATS subject (JetStream)' }),
      topic: z.string().min(1).optional().meta({ description: 'Kafka or MQTT topic' }),
      group: z.string().min(1).optional().meta({
        description:
          "Consumer group / durable consumer (default backend-bench); in produce-only mode, the application's group to watch",
      }),
      mode: z.enum(['produce-consume', 'produce-only']).default('produce-consume').meta({
        description: "produce-only: publish and sample the lag of the application's own consumers; consume nothing",
      }),
      consumers: count(1).optional().meta({ description: 'Consumers we run in the group (default 1)' }),
      prefetch: count(1).default(100).meta({ description: 'Unacknowledged messages a consumer may hold' }),
      processingDelay: Duration.optional().meta({
        description: 'Time a consumer spends on each message: a slow consumer',
      }),
      producers: count(1).default(1).meta({ description: 'Publisher connections; each numbers its own messages' }),
      weight: z
        .number()
        .positive()
        .default(1)
        .meta({ description: 'Share of the publish rate when there are several queues' }),
      size: count(0)
        .refine((n) => n <= MAX_MESSAGE_BYTES, { message: `at most ${MAX_MESSAGE_BYTES} bytes (16 MiB)` })
        .optional()
        .meta({ description: 'Message body of this many bytes (default 256)' }),
      json: z.unknown().optional().meta({ description: 'A JSON message body; string leaves may use templates' }),
      body: z.string().optional().meta({ description: 'A text message body; may use templates' }),
      headers: Headers.optional().meta({ description: 'Extra message headers; values may use templates' }),
      key: z.string().optional().meta({ description: 'Partition / routing key (Kafka); may use templates' }),
      create: z.boolean().optional().meta({
        description: 'Create the queue/stream/group when missing (default: yes, unless produce-only)',
      }),
      options: Scalars.optional().meta({ description: 'Broker-specific settings, e.g. managementUrl (RabbitMQ)' }),
    })
    .strict()
    .superRefine((q, ctx) => {
      const set = DESTINATION_KEYS.filter((k) => q[k] !== undefined);
      if (set.length !== 1) {
        ctx.addIssue({ code: 'custom', message: `set exactly one of ${DESTINATION_KEYS.join(', ')}` });
      }
      if ([q.size, q.json, q.body].filter((x) => x !== undefined).length > 1) {
        ctx.addIssue({ code: 'custom', message: 'set one of size, json or body' });
      }
      if (q.mode === 'produce-only' && (q.consumers !== undefined || q.processingDelay !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'produce-only runs no consumers: remove consumers/processingDelay',
          path: ['mode'],
        });
      }
    });

  const Events = z
    .object({
      broker: z
        .string()
        .min(1)
        .meta({
          description: `Broker URL (${brokerSchemes()
            .map((s) => `${s}://`)
            .join(', ')}), or "demo" for the in-process demo broker`,
        }),
      queues: z.array(Queue).min(1),
      drain: Duration.optional().meta({
        description: 'After publishing ends, wait up to this long for consumers to catch up (default 10s)',
      }),
      publishTimeout: Duration.optional().meta({
        description: 'A publish not confirmed within this counts as a timeout (default 5s)',
      }),
      cleanup: z
        .boolean()
        .default(false)
        .meta({ description: 'Delete the queues/streams/groups we created, at the end' }),
    })
    .strict();
  return { Events };
}

export type EventsConfig = z.output<ReturnType<typeof eventSchemas>['Events']>;
export type EventQueueConfig = EventsConfig['queues'][number];

export function destinationOf(q: EventQueueConfig): string {
  return q.queue ?? q.stream ?? q.subject ?? q.topic ?? '';
}

interface EventWorkloadShape {
  target?: unknown;
  requests?: unknown;
  services?: unknown;
  flows?: unknown;
  events?: unknown;
}

/** An events scenario names its broker in events.broker; it has no HTTP target, requests or flows. */
export function checkEventWorkload(s: EventWorkloadShape, ctx: z.RefinementCtx): void {
  if (s.events === undefined) return;
  for (const key of ['requests', 'flows', 'services', 'target'] as const) {
    if (s[key] === undefined) continue;
    const message =
      key === 'target'
        ? 'an events scenario names its broker in events.broker: remove target'
        : `set ${key} or events, not both`;
    ctx.addIssue({ code: 'custom', message, path: [key] });
  }
}
