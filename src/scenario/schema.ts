import { z } from 'zod';
import { grpcExpectFields, grpcRequestFields, grpcTargetFields } from './grpc/grpc-schema.js';
import { parseDuration } from './duration.js';
import { checkEventWorkload, eventSchemas } from './event-schema.js';
import { checkWorkload, flowSchemas } from './flow-schema.js';
import { numberish } from './number-text.js';
import { HttpVersion, ProxyUrl, Tls } from './transport-schema.js';
import { checkWebSocketWorkload, websocketSchemas } from './websocket/websocket-schema.js';

/**
 * The scenario format, defined once: runtime validation, the static type and the exported JSON Schema
 * (`backend-bench schema`, committed as schema/scenario.schema.json) all come from here.
 */

/** "10s", "500ms", "1m30s" or a number of seconds; becomes milliseconds. */
export const Duration = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 10s, 1m30s)`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'A duration: "500ms", "10s", "1m30s", or a number of seconds' });

const Rate = numberish(z.number().nonnegative()).meta({ description: 'Arrivals per second (open model)' });
const Connections = numberish(z.number().int().nonnegative()).meta({
  description: 'Concurrent connections / virtual users (closed model)',
});

/** A request timeout: a duration above zero (a zero timeout would fail every request before it is sent). */
export const Timeout = Duration.refine((ms) => ms > 0, { message: 'a timeout must be more than 0 (e.g. 5s)' });

const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const StringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

export const Stage = z
  .object({
    duration: Duration,
    rate: Rate.optional(),
    connections: Connections.optional(),
  })
  .strict()
  .refine((s) => (s.rate === undefined) !== (s.connections === undefined), {
    message: 'a stage sets exactly one of rate (open model) or connections (closed model)',
  });

export const Load = z
  .object({
    rate: Rate.optional(),
    connections: Connections.optional(),
    duration: Duration.optional(),
    stages: z.array(Stage).min(1).optional(),
    maxInFlight: numberish(z.number().int().positive())
      .optional()
      .meta({ description: 'Open model: cap on requests in flight; starts beyond it are counted as dropped' }),
    streams: numberish(z.number().int().positive())
      .optional()
      .meta({ description: 'HTTP/2 closed model: concurrent streams per connection (capped by the server)' }),
  })
  .strict()
  .superRefine((load, ctx) => {
    const hasStages = load.stages !== undefined;
    if (load.rate !== undefined && load.connections !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set rate (open model) or connections (closed model), not both' });
    }
    if (!hasStages && load.rate === undefined && load.connections === undefined) {
      ctx.addIssue({ code: 'custom', message: 'set rate, connections or stages' });
    }
    if (!hasStages && load.duration === undefined) {
      ctx.addIssue({ code: 'custom', message: 'set a duration (or stages)', path: ['duration'] });
    }
    if (hasStages && load.stages !== undefined) {
      const open = load.stages.some((s) => s.rate !== undefined);
      const closed = load.stages.some((s) => s.connections !== undefined);
      if (open && closed) {
        ctx.addIssue({ code: 'custom', message: 'all stages must use rate, or all connections', path: ['stages'] });
      }
    }
  });

const Check = z
  .object({
    jsonPath: z.string().optional().meta({
      description:
        'JSONPath (RFC 9535) into the JSON body, first match: "$.items[0].id", "$.items[?@.price > 10]", "$..id"; a bare dot path ("id", "items.0.name") is read from the root',
    }),
    header: z.string().optional(),
    exists: z.boolean().optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    contains: z.string().optional().meta({ description: 'The body (or header) contains this text' }),
  })
  .strict();

export const Request = z
  .object({
    name: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Defaults to "METHOD path" with no query string and ids as :id ("GET /users/:id")' }),
    weight: numberish(z.number().positive()).default(1),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(HttpMethod)
      .default('GET'),
    path: z.string().default('/'),
    query: StringMap.optional(),
    headers: StringMap.optional(),
    json: z.unknown().optional().meta({ description: 'A JSON body; string leaves may use templates' }),
    body: z.string().optional().meta({ description: 'A raw body; may use templates' }),
    expect: z
      .object({
        status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
        ...grpcExpectFields,
      })
      .strict()
      .optional(),
    checks: z.array(Check).optional(),
    ...grpcRequestFields,
  })
  .strict()
  .refine((r) => r.json === undefined || r.body === undefined, { message: 'set json or body, not both' });

const DemoName = z.enum(['monolith', 'microservices', 'grpc', 'websocket']);

export const Target = z.union([
  z.string().meta({ description: 'Base URL of the system under test' }),
  z
    .object({
      url: z.string().optional(),
      demo: DemoName.optional(),
      headers: StringMap.optional(),
      timeout: Timeout.optional().meta({ description: 'Per-request timeout (default 10s)' }),
      tls: Tls.optional(),
      http: HttpVersion.optional(),
      proxy: ProxyUrl.optional(),
      ...grpcTargetFields,
    })
    .strict()
    // Neither is fine for flows (services carry the URLs; timeout and headers still apply): checkWorkload decides.
    .refine((t) => t.url === undefined || t.demo === undefined, { message: 'set exactly one of url or demo' }),
]);

export const SloEntry = z.union([
  z.string(),
  z
    .object({
      expr: z.string(),
      abortOnFail: z.boolean().default(false),
      grace: Duration.optional().meta({ description: 'With abortOnFail: no early abort before this much time' }),
      minSamples: numberish(z.number().int().nonnegative()).optional(),
    })
    .strict(),
]);

/** 100 MiB: a generous CSV of test users; anything larger is more likely a wrong path than data. */
export const DEFAULT_DATA_MAX_BYTES = 100 * 1024 * 1024;

export const DataFeed = z
  .object({
    file: z.string().meta({ description: 'CSV file with a header row, relative to the scenario file' }),
    order: z.enum(['sequential', 'random']).default('sequential'),
    maxBytes: numberish(z.number().int().positive())
      .optional()
      .meta({ description: `Refuse a data file larger than this many bytes (default ${DEFAULT_DATA_MAX_BYTES})` }),
  })
  .strict();

const { Services, Flow } = flowSchemas({ Duration, Request });
const { Events } = eventSchemas({ Duration });
const { WebSocketSession } = websocketSchemas({ Duration });

export const Scenario = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).optional(),
    target: Target.optional().meta({ description: 'Required with requests; flows may use it for a demo' }),
    load: Load,
    requests: z.array(Request).min(1).optional(),
    services: Services.optional().meta({ description: 'Flows: named services and their base URLs' }),
    flows: z.array(Flow).min(1).optional().meta({ description: 'Journeys across services (instead of requests)' }),
    events: Events.optional().meta({ description: 'Publish/consume load on a message broker (instead of requests)' }),
    websocket: WebSocketSession.optional().meta({
      description: 'WebSocket sessions against a ws:// target (instead of requests)',
    }),
    data: DataFeed.optional(),
    slos: z.array(SloEntry).optional().meta({
      description: 'SLO budgets; without this key the defaults apply (p95 < 200ms, error_rate < 1%); [] for none',
    }),
  })
  .strict()
  .superRefine(checkWorkload)
  .superRefine(checkEventWorkload)
  .superRefine(checkWebSocketWorkload);

export type ScenarioInput = z.input<typeof Scenario>;
export type ScenarioConfig = z.output<typeof Scenario>;
export type RequestConfig = z.output<typeof Request>;
export type LoadConfig = z.output<typeof Load>;
export type SloEntryConfig = z.output<typeof SloEntry>;
export type CheckConfig = z.output<typeof Check>;

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' });
}
