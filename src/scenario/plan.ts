import { dirname, resolve } from 'node:path';
import { InputError, ScenarioError } from '../errors.js';
import { byPosition, formatPath } from './field-path.js';
import { buildStages, type StageSpan, totalDurationMs } from './stages.js';
import type { SloSpec } from '../slo/parse.js';
import { type EventsPlan, planEvents } from './event-plan.js';
import { flowScopeNames, type FlowsPlan, planFlows } from './flow-plan.js';
import { planGrpcRun, type GrpcRunPlan } from './grpc/grpc-run-plan.js';
import type { ProtoSet } from './grpc/proto-catalogue.js';
import { redactUrl } from './redact.js';
import { defaultRequestName, requestNames } from './request-name.js';
import { type CheckPlan, planChecks } from './check-plan.js';
import { DEFAULT_DATA_MAX_BYTES } from './schema.js';
import type { LoadConfig, RequestConfig, ScenarioConfig } from './schema.js';
import { planSlos } from './slo-plan.js';
import {
  type CompiledJson,
  type CompiledString,
  compileJson,
  compileString,
  templateColumns,
  templateVariables,
} from './template.js';
import { splitCredentials, withUrlCredentials } from './url-credentials.js';
import { planTransports, type TransportPlan } from './transport-plan.js';
import { planWebSocket, type WebSocketPlan } from './websocket/websocket-plan.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_IN_FLIGHT = 1000;

export type TargetPlan =
  | { kind: 'url'; url: string }
  | { kind: 'demo'; demo: 'monolith' | 'microservices' | 'grpc' | 'websocket' }
  /** Flows across named services (plan.flows), with no demo. */
  | { kind: 'services' };

export interface RequestPlan {
  index: number;
  name: string;
  weight: number;
  method: string;
  path: CompiledString;
  query: readonly (readonly [string, CompiledString])[];
  headers: readonly (readonly [string, CompiledString])[];
  body: CompiledJson | CompiledString | undefined;
  contentType: string | undefined;
  /** Status codes that count as success; undefined means 200–399. */
  expectStatus: ReadonlySet<number> | undefined;
  checks: readonly CheckPlan[];
  /** Whether the response body must be read as text (checks look at it). */
  needsBody: boolean;
}

export interface LoadPlan {
  model: 'open' | 'closed';
  stages: readonly StageSpan[];
  durationMs: number;
  maxInFlight: number;
  /** HTTP/2 closed model: streams per connection (undefined: one, or what the server allows in the open model). */
  streams?: number;
}

/** Everything a run needs, resolved and validated before any traffic is sent. */
export interface ExecutionPlan {
  name: string;
  /** Directory of the scenario file, for relative paths; cwd for ad-hoc runs. */
  baseDir: string;
  target: TargetPlan;
  /** The target as it may be shown: credentials removed. */
  targetDisplay: string;
  timeoutMs: number;
  load: LoadPlan;
  requests: readonly RequestPlan[];
  /** Set instead of requests when the scenario drives flows across services. */
  flows?: FlowsPlan;
  /** Set instead of requests when the scenario publishes to and consumes from a broker. */
  events?: EventsPlan;
  /** Set instead of requests when the target is a gRPC server: the requests are calls. */
  grpc?: GrpcRunPlan;
  /** Set instead of requests when the scenario runs WebSocket sessions (its send steps are the scopes). */
  websocket?: WebSocketPlan;
  /** The CSV feed, and the columns the templates read from it (checked when the file is loaded). */
  data: { file: string; order: 'sequential' | 'random'; maxBytes: number; columns: readonly string[] } | undefined;
  slos: readonly SloSpec[];
  /** How connections reach the target: TLS, HTTP version, proxy. */
  transport?: TransportPlan;
  /** Flows: each declared service's transport, by service name (a demo's services use `transport`). */
  serviceTransports?: Readonly<Record<string, TransportPlan>>;
}

/** Where a scenario came from: its file as shown to users, and how to find a field's line in it. */
export interface ScenarioSource {
  file?: string;
  locate?: (path: readonly (string | number)[]) => string;
}

/** Collects every semantic problem of a scenario, each with its location and field path. */
class Problems {
  private readonly lines: string[] = [];
  constructor(private readonly source: ScenarioSource) {}

  add(path: readonly (string | number)[], message: string): void {
    const where = this.source.locate?.(path) ?? this.source.file;
    this.lines.push(`${where === undefined ? '' : `${where} `}${formatPath(path)}: ${message}`);
  }

  get count(): number {
    return this.lines.length;
  }

  throwIfAny(): void {
    if (this.lines.length === 0) return;
    if (this.source.file === undefined) throw new InputError(this.lines.join('; '));
    throw new ScenarioError(this.source.file, [...this.lines].sort(byPosition));
  }
}

function loadPlan(load: LoadConfig): LoadPlan {
  const maxInFlight = load.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (load.stages !== undefined) {
    const open = load.stages.some((s) => s.rate !== undefined);
    const initial = (open ? load.rate : load.connections) ?? 0;
    const stages = buildStages(
      initial,
      load.stages.map((s) => ({ durationMs: s.duration, value: s.rate ?? s.connections ?? 0 })),
    );
    const durationMs = totalDurationMs(stages);
    return { model: open ? 'open' : 'closed', stages, durationMs, maxInFlight, streams: load.streams };
  }
  const durationMs = load.duration ?? 0;
  const open = load.rate !== undefined;
  const value = open ? (load.rate ?? 0) : (load.connections ?? 0);
  const stages = buildStages(value, [{ durationMs, value }]);
  return { model: open ? 'open' : 'closed', stages, durationMs, maxInFlight, streams: load.streams };
}

function requestPlan(
  r: RequestConfig,
  index: number,
  problems: Problems,
  at: readonly (string | number)[] = ['requests', index],
): RequestPlan {
  const compile = (text: string, field: string): CompiledString => {
    try {
      return compileString(text);
    } catch (err) {
      problems.add([...at, ...field.split('.')], (err as Error).message);
      return compileString('');
    }
  };
  let body: CompiledJson | CompiledString | undefined;
  try {
    body = r.json !== undefined ? compileJson(r.json) : r.body !== undefined ? compileString(r.body) : undefined;
  } catch (err) {
    problems.add([...at, r.json !== undefined ? 'json' : 'body'], (err as Error).message);
  }
  const status = r.expect?.status;
  return {
    index,
    name: r.name ?? defaultRequestName(r.method, r.path),
    weight: r.weight,
    method: r.method,
    path: compile(r.path, 'path'),
    query: Object.entries(r.query ?? {}).map(([k, v]) => [k, compile(v, `query.${k}`)] as const),
    headers: Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), compile(v, `headers.${k}`)] as const),
    body,
    contentType: r.json !== undefined ? 'application/json' : undefined,
    expectStatus: status === undefined ? undefined : new Set(Array.isArray(status) ? status : [status]),
    checks: planChecks(r.checks, at, problems),
    needsBody: (r.checks ?? []).some((c) => c.header === undefined),
  };
}

/** Every string of a request that templates may appear in, JSON body leaves included. */
function templatedTexts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) templatedTexts(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) templatedTexts(v, out);
  return out;
}

type Templated = Pick<
  RequestConfig,
  'path' | 'query' | 'headers' | 'body' | 'json' | 'message' | 'messages' | 'metadata'
>;

/** Every field of a request (HTTP or gRPC) whose strings are rendered per request. */
const templatedFields = (r: Templated): unknown[] => [
  r.path,
  r.query,
  r.headers,
  r.body,
  r.json,
  r.message,
  r.messages,
  r.metadata,
];

function dataColumns(requests: readonly Templated[]): string[] {
  const columns = new Set<string>();
  for (const r of requests) for (const c of namesIn(templatedFields(r), templateColumns)) columns.add(c);
  return [...columns];
}

function targetPlan(config: ScenarioConfig): {
  target: TargetPlan;
  timeoutMs: number;
  headers: Record<string, string>;
  /** A Basic authorization made from credentials in the target URL (which the plan's URL then lacks). */
  authorization: string | undefined;
  /** The URL as written, for display (redacted): it shows that credentials are sent. */
  written?: string;
} {
  const t = config.target;
  const timeoutMs = (typeof t === 'object' ? t.timeout : undefined) ?? DEFAULT_TIMEOUT_MS;
  const headers = (typeof t === 'object' ? t.headers : undefined) ?? {};
  const url = typeof t === 'string' ? t : t?.demo === undefined ? t?.url : undefined;
  if (url !== undefined) {
    const split = splitCredentials(url);
    const target: TargetPlan = { kind: 'url', url: split.url };
    return { target, timeoutMs, headers, authorization: split.authorization, written: url };
  }
  const target: TargetPlan =
    typeof t === 'object' && t.demo !== undefined ? { kind: 'demo', demo: t.demo } : { kind: 'services' };
  return { target, timeoutMs, headers, authorization: undefined };
}

/** A request that uses {{vars.NAME}} outside a flow: nothing ever captures the variable, so it cannot render. */
function checkVariables(at: readonly (string | number)[], value: unknown, problems: Problems): void {
  for (const name of namesIn(value, templateVariables)) {
    problems.add([...at], `uses {{vars.${name}}}, but variables are only captured by the steps of a flow`);
  }
}

/**
 * {{row.COLUMN}} where no data row ever reaches: found here, with its file, line and field, rather than by the
 * first message's render once the run is connected.
 */
function checkNoRows(at: readonly (string | number)[], value: unknown, why: string, problems: Problems): void {
  for (const name of namesIn(value, templateColumns)) problems.add([...at], `uses {{row.${name}}}, but ${why}`);
}

/** The row or vars names the templates of `value` reference (a broken template is the compiler's to report). */
function namesIn(value: unknown, names: (text: string) => string[]): Set<string> {
  const found = new Set<string>();
  for (const text of templatedTexts(value)) {
    try {
      for (const name of names(text)) found.add(name);
    } catch {
      // Reported with its field when the template is compiled.
    }
  }
  return found;
}

/** Only http(s) URLs on a host we can name; the message says what to write instead. */
export function checkTargetUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${redactUrl(url)} (expected e.g. http://127.0.0.1:3000)`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `unsupported URL scheme ${parsed.protocol} in ${redactUrl(url)} (use http:// or https://)`;
  }
  return undefined;
}

function targetDisplay(target: TargetPlan, flows: FlowsPlan | undefined, written: string | undefined): string {
  if (target.kind === 'url') return redactUrl(written ?? target.url);
  return target.kind === 'demo' ? `demo:${target.demo}` : `services ${flows?.services.map((s) => s.name).join(', ')}`;
}

/**
 * Turns a validated scenario into an execution plan; every semantic problem is reported at once. A gRPC target
 * without protos plans with `reflected` unset first (its plan says `reflect`), then again with what the server's
 * reflection gave: its catalogue, or why there is none.
 */
export function planScenario(
  config: ScenarioConfig,
  source: ScenarioSource = {},
  reflected?: ProtoSet | string,
): ExecutionPlan {
  const file = source.file;
  const problems = new Problems(source);
  const { target, timeoutMs, headers, authorization, written } = targetPlan(config);
  const baseDir = file === undefined ? process.cwd() : dirname(resolve(file));
  const grpc = planGrpcRun(config, baseDir, problems, reflected);
  if (target.kind === 'url' && grpc === undefined && config.websocket === undefined) {
    const bad = checkTargetUrl(target.url);
    if (bad !== undefined) problems.add(['target'], bad);
  }
  const httpRequests = grpc === undefined ? (config.requests ?? []) : [];
  const requestNamesInOrder = requestNames(httpRequests);
  // gRPC requests are planned by planGrpcRun; their templates are checked here all the same.
  (config.requests ?? []).forEach((r, i) => checkVariables(['requests', i], templatedFields(r), problems));
  const requests = httpRequests.map((r, i) => {
    const withDefaults = {
      ...r,
      name: requestNamesInOrder[i],
      headers: withUrlCredentials({ ...headers, ...r.headers }, authorization),
    };
    return requestPlan(withDefaults, i, problems);
  });
  config.events?.queues.forEach((q, i) => {
    const texts = [q.json, q.body, q.headers, q.key];
    checkVariables(['events', 'queues', i], texts, problems);
    checkNoRows(['events', 'queues', i], texts, 'messages are not fed from a data file', problems);
  });
  config.websocket?.steps.forEach((step, i) => {
    if (!('send' in step)) return;
    checkVariables(['websocket', 'steps', i], step.send, problems);
    checkNoRows(['websocket', 'steps', i], step.send, 'WebSocket messages are not fed from a data file', problems);
  });
  const names = new Set<string>();
  for (const r of grpc?.requests ?? requests) {
    if (names.has(r.name))
      problems.add(['requests', r.index, 'name'], `"${r.name}" is used twice; names must be unique`);
    names.add(r.name);
  }
  const data = config.data && {
    file: resolve(baseDir, config.data.file),
    order: config.data.order,
    maxBytes: config.data.maxBytes ?? DEFAULT_DATA_MAX_BYTES,
    columns: [] as string[],
  };
  const flows = planFlows(config, {
    problems,
    compileRequest: (r, index, at) => requestPlan(r, index, problems, at),
    checkUrl: checkTargetUrl,
    timeoutMs,
    baseDir,
    headers,
  });
  const events = planEvents(config.events, problems);
  const wsUrl = target.kind === 'url' ? target.url : undefined;
  const websocket = planWebSocket(config.websocket, { url: wsUrl, headers, timeoutMs }, problems);
  const transports = planTransports(config, baseDir, problems);
  const scopes = {
    request: [...names],
    ...(flows && flowScopeNames(flows)),
    ...(events && { request: events.queues.map((q) => q.name), queue: events.queues.map((q) => q.name) }),
    ...(websocket && { request: websocket.scopes, step: websocket.scopes }),
  };
  const { slos, problems: sloProblems } = planSlos(config.slos, scopes, events !== undefined);
  for (const p of sloProblems) problems.add(p.index === undefined ? ['slos'] : ['slos', p.index], p.message);
  const load = loadPlan(config.load);
  if (events !== undefined && load.model === 'closed') {
    problems.add(['load'], 'event runs publish at a rate: set load.rate, or stages with rate (not connections)');
  }
  if (load.durationMs <= 0) problems.add(['load'], 'the run has zero duration');
  // Only when every template compiled: the column scan parses them again.
  const columns =
    problems.count === 0
      ? dataColumns([...(config.requests ?? []), ...(config.flows ?? []).flatMap((f) => f.steps)])
      : [];
  if (data === undefined && columns.length > 0) {
    problems.add(['requests'], `templates use {{row.${columns[0]}}} but the scenario has no data file`);
  }
  problems.throwIfAny();
  if (data !== undefined) data.columns = columns;
  return {
    name: config.name ?? (file === undefined ? 'ad-hoc' : file),
    baseDir,
    target,
    targetDisplay: events?.display ?? targetDisplay(target, flows, written),
    timeoutMs,
    load,
    requests,
    ...(flows && { flows }),
    ...(events && { events }),
    ...(grpc && { grpc }),
    ...(websocket && { websocket }),
    data,
    slos,
    transport: transports.transport,
    serviceTransports: transports.services,
  };
}
