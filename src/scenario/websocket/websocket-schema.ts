import { z } from 'zod';
import type { Duration as DurationSchema } from '../schema.js';

/**
 * The WebSocket part of the scenario format. The target is a ws:// or wss:// URL; the load unit is a session:
 * connect, run the steps (send and expect a reply, or pause) for `rounds` or a `duration`, close. In the open
 * model sessions start at `load.rate`; in the closed model `load.connections` sessions run at once, each starting
 * a new one when it ends.
 *
 *   websocket:
 *     subprotocols: [chat]
 *     rounds: 10
 *     steps:
 *       - name: say-hi
 *         send: { json: { say: "hi {{seq}}" } }
 *         expect: { jsonPath: $.echo, exists: true }
 *         timeout: 2s
 *       - pause: 100ms
 */

const SCOPE_NAME = /^[A-Za-z0-9_./-]+$/;

export function websocketSchemas(blocks: { Duration: typeof DurationSchema }) {
  const { Duration } = blocks;
  const Send = z.union(
    [
      z.object({ text: z.string() }).strict(),
      z.object({ json: z.unknown() }).strict().meta({ description: 'string leaves may use templates' }),
    ],
    { error: 'send is { text: "..." } or { json: {...} }' },
  );
  const Expect = z
    .object({
      jsonPath: z.string().optional().meta({ description: 'JSONPath into the reply, e.g. $.echo' }),
      exists: z.boolean().optional(),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      contains: z.string().optional().meta({ description: 'The reply (or the JSONPath value) contains this text' }),
    })
    .strict();
  const SendStep = z
    .object({
      name: z.string().regex(SCOPE_NAME, 'step names use letters, digits and _ . / - (SLOs refer to them)').optional(),
      send: Send,
      expect: Expect.optional().meta({ description: 'The reply to wait for; without it, the next message is' }),
      timeout: Duration.optional().meta({ description: 'How long to wait for the reply (default: target timeout)' }),
    })
    .strict();
  const PauseStep = z.object({ pause: Duration }).strict();
  const Step = z.union([SendStep, PauseStep], {
    error: 'a step is { send: ..., expect?: ..., timeout?: ... } or { pause: 100ms }',
  });
  const WebSocketSession = z
    .object({
      subprotocols: z.array(z.string().min(1)).optional(),
      rounds: z.number().int().positive().optional().meta({ description: 'Times each session runs its steps' }),
      duration: Duration.optional().meta({ description: 'Or: how long each session runs its steps' }),
      steps: z.array(Step).min(1),
    })
    .strict()
    .refine((s) => s.rounds === undefined || s.duration === undefined, { message: 'set rounds or duration, not both' })
    .refine((s) => s.steps.some((step) => 'send' in step), { message: 'a session needs at least one send step' });
  return { WebSocketSession };
}

export function isWebSocketUrl(url: string): boolean {
  return /^wss?:\/\//i.test(url);
}

/** The parts of a scenario that decide whether it is a WebSocket run. */
interface WebSocketWorkloadShape {
  target?: string | { url?: string | undefined; demo?: string | undefined } | undefined;
  requests?: unknown;
  services?: unknown;
  flows?: unknown;
  events?: unknown;
  websocket?: unknown;
}

/**
 * A WebSocket scenario has a ws:// or wss:// target (or the websocket demo) and `websocket:` instead of requests;
 * each problem is put at the field to change.
 */
export function checkWebSocketWorkload(s: WebSocketWorkloadShape, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: string[]): void => ctx.addIssue({ code: 'custom', message, path });
  const url = typeof s.target === 'string' ? s.target : s.target?.url;
  const demo = typeof s.target === 'object' ? s.target.demo : undefined;
  const wsTarget = (url !== undefined && isWebSocketUrl(url)) || demo === 'websocket';
  if (s.websocket === undefined) {
    if (wsTarget) issue('a WebSocket target needs websocket: (the session steps) instead of requests', ['websocket']);
    return;
  }
  for (const key of ['requests', 'flows', 'services', 'events'] as const) {
    if (s[key] !== undefined) issue(`set ${key} or websocket, not both`, [key]);
  }
  if (s.target === undefined)
    issue('is required with websocket (a ws:// or wss:// URL, or demo: websocket)', ['target']);
  else if (!wsTarget) issue('websocket sessions need a ws:// or wss:// URL, or demo: websocket', ['target']);
}

export type WebSocketConfig = z.output<ReturnType<typeof websocketSchemas>['WebSocketSession']>;
