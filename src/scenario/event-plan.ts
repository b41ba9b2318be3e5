import { z } from 'zod';
import type { BrokerTarget } from '../brokers/broker-target.js';
import { BROKERS, brokerSchemeOf, brokerSchemes } from '../brokers/catalogue.js';
import { optionProblems } from '../brokers/option-problems.js';
import { type EventsConfig, type EventQueueConfig, destinationOf } from './event-schema.js';
import { redactUrl } from './redact.js';
import { type CompiledJson, type CompiledString, compileJson, compileString } from './template.js';

/** Resolves the `events` block into what the event engine runs: one plan per queue, the broker, the drain. */

export const DEFAULT_MESSAGE_BYTES = 256;
export const DEFAULT_DRAIN_MS = 10_000;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
export const DEFAULT_GROUP = 'backend-bench';
/** `broker: demo` runs the in-process demo broker instead of a real one. */
export const DEMO_BROKER = 'demo';

export type MessageBody =
  | { kind: 'size'; bytes: number }
  | { kind: 'json'; template: CompiledJson }
  | { kind: 'text'; template: CompiledString };

export interface EventQueuePlan {
  index: number;
  /** Scope name for reports and SLOs. */
  name: string;
  mode: 'produce-consume' | 'produce-only';
  /** 0 in produce-only mode. */
  consumers: number;
  prefetch: number;
  processingDelayMs: number;
  producers: number;
  weight: number;
  body: MessageBody;
  headers: readonly (readonly [string, CompiledString])[];
  key: CompiledString | undefined;
  target: BrokerTarget;
}

export interface EventsPlan {
  /** The demo broker runs in-process; a URL goes to a real broker through the adapter of its scheme. */
  demo: boolean;
  display: string;
  queues: readonly EventQueuePlan[];
  drainMs: number;
  publishTimeoutMs: number;
  cleanup: boolean;
}

type FieldPath = readonly (string | number)[];
export interface EventPlanProblems {
  add(path: FieldPath, message: string): void;
}

function checkBroker(url: string): string | undefined {
  if (url === DEMO_BROKER) return undefined;
  // Before the URL parse: kafka://h1:9092,h2:9092 (a broker list) is no WHATWG URL; its adapter checks it.
  if (brokerSchemeOf(url) !== undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid broker URL: ${redactUrl(url)} (e.g. amqp://guest:guest@127.0.0.1:5672, or "demo")`;
  }
  const known = brokerSchemes()
    .map((s) => `${s}://`)
    .join(', ');
  return `no adapter for ${parsed.protocol}// in ${redactUrl(url)} (supported: ${known}, or "demo")`;
}

/** The demo broker has nothing to tune: any key is a mistake. */
const DEMO_OPTIONS = z.object({}).strict();

/**
 * A queue's `options:` against its broker's own schema, before any connection: an unknown key or a bad value is
 * reported with its file, line and field by `validate` and `run` alike. An unknown scheme is checkBroker's to report.
 */
function checkOptions(broker: string, q: EventQueueConfig, at: FieldPath, problems: EventPlanProblems): void {
  const found = optionsSchemaOf(broker);
  if (q.options === undefined || found === undefined) return;
  for (const p of optionProblems(found.schema, q.options, found.name))
    problems.add([...at, 'options', ...p.path], p.message);
}

function optionsSchemaOf(broker: string): { schema: z.ZodType; name: string } | undefined {
  if (broker === DEMO_BROKER) return { schema: DEMO_OPTIONS, name: 'the demo broker' };
  const scheme = brokerSchemeOf(broker);
  return scheme === undefined ? undefined : { schema: BROKERS[scheme].options, name: `${scheme}://` };
}

function compileBody(q: EventQueueConfig, at: FieldPath, problems: EventPlanProblems): MessageBody {
  try {
    if (q.json !== undefined) return { kind: 'json', template: compileJson(q.json) };
    if (q.body !== undefined) return { kind: 'text', template: compileString(q.body) };
  } catch (err) {
    problems.add([...at, q.json !== undefined ? 'json' : 'body'], (err as Error).message);
  }
  return { kind: 'size', bytes: q.size ?? DEFAULT_MESSAGE_BYTES };
}

function compileText(text: string, path: FieldPath, problems: EventPlanProblems): CompiledString {
  try {
    return compileString(text);
  } catch (err) {
    problems.add(path, (err as Error).message);
    return compileString('');
  }
}

function queuePlan(
  config: EventsConfig,
  q: EventQueueConfig,
  index: number,
  problems: EventPlanProblems,
): EventQueuePlan {
  const at = ['events', 'queues', index];
  const destination = destinationOf(q);
  const consume = q.mode === 'produce-consume';
  checkOptions(config.broker, q, at, problems);
  return {
    index,
    name: q.name ?? destination,
    mode: q.mode,
    consumers: consume ? (q.consumers ?? 1) : 0,
    prefetch: q.prefetch,
    processingDelayMs: q.processingDelay ?? 0,
    producers: q.producers,
    weight: q.weight,
    body: compileBody(q, at, problems),
    headers: Object.entries(q.headers ?? {}).map(
      ([k, v]) => [k, compileText(v, [...at, 'headers', k], problems)] as const,
    ),
    key: q.key === undefined ? undefined : compileText(q.key, [...at, 'key'], problems),
    target: {
      url: config.broker,
      display: config.broker === DEMO_BROKER ? 'demo broker' : redactUrl(config.broker),
      destination,
      group: q.group ?? DEFAULT_GROUP,
      create: q.create ?? consume,
      publishTimeoutMs: config.publishTimeout ?? DEFAULT_PUBLISH_TIMEOUT_MS,
      options: q.options ?? {},
    },
  };
}

/** The events plan, or undefined for scenarios without events; problems are added with their field paths. */
export function planEvents(config: EventsConfig | undefined, problems: EventPlanProblems): EventsPlan | undefined {
  if (config === undefined) return undefined;
  const bad = checkBroker(config.broker);
  if (bad !== undefined) problems.add(['events', 'broker'], bad);
  const queues = config.queues.map((q, i) => queuePlan(config, q, i, problems));
  const seen = new Set<string>();
  for (const q of queues) {
    if (seen.has(q.name))
      problems.add(['events', 'queues', q.index], `"${q.name}" is used twice; give each queue a distinct name`);
    seen.add(q.name);
  }
  const demo = config.broker === DEMO_BROKER;
  return {
    demo,
    display: demo ? 'demo broker' : redactUrl(config.broker),
    queues,
    drainMs: config.drain ?? DEFAULT_DRAIN_MS,
    publishTimeoutMs: config.publishTimeout ?? DEFAULT_PUBLISH_TIMEOUT_MS,
    cleanup: config.cleanup,
  };
}

/** "2 queues on amqp://***@host:5672", for `validate`. */
export function describeEvents(plan: EventsPlan): string {
  return `${plan.queues.length} ${plan.queues.length === 1 ? 'queue' : 'queues'} on ${plan.display}`;
}
