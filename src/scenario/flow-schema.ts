import { z } from 'zod';
import { grpcTargetFields } from './grpc/grpc-schema.js';
import type { Duration as DurationSchema, Request as RequestSchema } from './schema.js';
import { HttpVersion, ProxyUrl, TlsOptions } from './transport-schema.js';

/**
 * The microservices part of the scenario format: named services and flows of steps across them.
 * A step is a request (the same fields as `requests[]`, minus the weight) sent to a named service, plus what
 * to capture from its response and how long to think before the next step.
 *
 * schema.ts composes these into Scenario by calling flowSchemas with its own building blocks: one source of
 * truth for the request fields, and no import cycle between the two files.
 */

/** Names that SLO scopes and `{{vars.NAME}}` can spell: the SLO grammar's name characters. */
const SCOPE_NAME = /^[A-Za-z0-9_./-]+$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const scopeName = (what: string) =>
  z.string().min(1).regex(SCOPE_NAME, `${what} names use letters, digits and _ . / - (SLOs refer to them)`);

const Headers = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

/** Where a captured value comes from; a bare string is a JSON path. */
const Capture = z.union(
  [
    z.string().min(1).meta({
      description: 'JSONPath (RFC 9535) into the JSON body, first match: "$.user.id", "$.items[0].id"; "id" means $.id',
    }),
    z.object({ jsonPath: z.string().min(1) }).strict(),
    z.object({ header: z.string().min(1) }).strict(),
    z
      .object({ status: z.literal(true) })
      .strict()
      .meta({ description: 'The response status code' }),
  ],
  { error: 'a capture is a JSON path, or one of { jsonPath: PATH }, { header: NAME }, { status: true }' },
);

/** Checked per key (not as a record key schema) so the message names the variable and says what is allowed. */
const Captures = z.record(z.string(), Capture).superRefine((captures, ctx) => {
  for (const name of Object.keys(captures)) {
    if (!VARIABLE_NAME.test(name)) {
      const message = 'variable names are letters, digits, _ and -, not starting with a digit';
      ctx.addIssue({ code: 'custom', path: [name], message });
    }
  }
});

export function flowSchemas(blocks: { Duration: typeof DurationSchema; Request: typeof RequestSchema }) {
  const { Duration, Request } = blocks;
  const Service = z.union([
    z.string().meta({ description: 'Base URL of the service' }),
    z
      .object({
        url: z.string(),
        headers: Headers.optional().meta({ description: 'Headers sent with every request to this service' }),
        timeout: Duration.refine((ms) => ms > 0, { message: 'a timeout must be more than 0 (e.g. 5s)' })
          .optional()
          .meta({ description: 'Per-request timeout for this service' }),
        tls: TlsOptions.optional(),
        http: HttpVersion.optional(),
        proxy: ProxyUrl.optional(),
        ...grpcTargetFields,
      })
      .strict(),
  ]);
  /** A fixed pause, or a [min, max] range picked uniformly each time. */
  const Think = z.union([
    Duration,
    z
      .tuple([Duration, Duration])
      .refine(([min, max]) => min <= max, { message: 'think range must be [min, max] with min <= max' }),
  ]);
  const { weight, name: _name, ...requestFields } = Request.shape;
  const Step = z
    .object({
      name: scopeName('step').optional().meta({ description: 'Defaults to "<flow>.<n>"; unique across flows' }),
      service: z.string().min(1).meta({ description: 'A name from services (or from the demo)' }),
      ...requestFields,
      capture: Captures.optional().meta({
        description: 'Variables set from the response, used by later steps as {{vars.NAME}}',
      }),
      think: Think.optional().meta({ description: 'Pause after this step: "500ms" or ["200ms", "1s"]' }),
    })
    .strict()
    .refine((s) => s.json === undefined || s.body === undefined, { message: 'set json or body, not both' });
  const Flow = z.object({ name: scopeName('flow'), weight, steps: z.array(Step).min(1) }).strict();
  const Services = z.record(scopeName('service'), Service);
  return { Service, Services, Step, Flow, Think };
}

type FlowSchemas = ReturnType<typeof flowSchemas>;
export type ServiceConfig = z.output<FlowSchemas['Service']>;
export type CaptureConfig = z.output<typeof Capture>;
export type ThinkConfig = z.output<FlowSchemas['Think']>;
export type StepConfig = z.output<FlowSchemas['Step']>;
export type FlowConfig = z.output<FlowSchemas['Flow']>;

/** The parts of a scenario that decide what kind of workload it is. */
interface WorkloadShape {
  target?: string | { url?: string; demo?: string } | undefined;
  requests?: readonly unknown[] | undefined;
  services?: Readonly<Record<string, unknown>> | undefined;
  flows?: readonly unknown[] | undefined;
  events?: unknown;
  websocket?: unknown;
}

/** Demos that provide named services to flows, and what they call them. */
export const DEMO_SERVICES: Readonly<Record<string, readonly string[]>> = {
  microservices: ['gateway', 'users', 'orders', 'inventory', 'stock'],
};

/**
 * A scenario drives either `requests` against one target (a monolith) or `flows` across named services;
 * this says which combinations make sense, each problem at the field to change.
 */
export function checkWorkload(s: WorkloadShape, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: string[]): void => ctx.addIssue({ code: 'custom', message, path });
  const demo = typeof s.target === 'object' ? s.target.demo : undefined;
  const demoProvides = demo !== undefined && Object.hasOwn(DEMO_SERVICES, demo);
  if (s.requests !== undefined && s.flows !== undefined) {
    issue('set requests (one target) or flows (across services), not both', ['flows']);
  } else if (s.requests === undefined && s.flows === undefined && s.events === undefined && s.websocket === undefined) {
    issue('set requests (load on one target), flows (journeys across services) or events (a message broker)', []);
  }
  if (s.requests !== undefined && s.target === undefined) issue('is required with requests', ['target']);
  if (
    s.requests !== undefined &&
    typeof s.target === 'object' &&
    s.target.url === undefined &&
    s.target.demo === undefined
  ) {
    issue('set exactly one of url or demo', ['target']);
  }
  if (s.requests !== undefined && s.services !== undefined)
    issue('services are used by flows, not requests', ['services']);
  if (s.flows === undefined) return;
  if (demoProvides && s.services !== undefined) {
    issue(`demo ${demo} provides the services; remove services or the demo`, ['services']);
  }
  if (!demoProvides && demo !== undefined) issue(`demo ${demo} has no named services for flows`, ['target', 'demo']);
  if (typeof s.target === 'string' || (typeof s.target === 'object' && s.target.url !== undefined)) {
    issue('flows send to named services: move the URL into services', ['target']);
  }
  if (!demoProvides && s.services === undefined) {
    issue('flows need services (name: base URL), or target: { demo: microservices }', ['services']);
  }
}
