import { InputError } from '../errors.js';
import { parseDuration } from '../scenario/duration.js';
import { isGrpcUrl } from '../scenario/grpc/grpc-schema.js';
import { type GrpcFlags, grpcAdHocData } from './grpc-ad-hoc.js';
import { applyTransportFlags, type TransportFlags } from './transport-flags.js';

/** The flags of `run` that describe load; they build an ad-hoc scenario or override a file's values. */
export interface RunFlags extends TransportFlags, GrpcFlags {
  url?: string;
  method?: string;
  header?: string[];
  body?: string;
  /** WebSocket: the message sent on each round trip (templates allowed). */
  message?: string;
  rate?: string;
  connections?: string;
  duration?: string;
  timeout?: string;
  maxInFlight?: string;
  slo?: string[];
  /** false with --no-default-slos: a run without SLOs is judged on none, not on the default budget. */
  defaultSlos?: boolean;
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseHeaderFlag(header: string): [string, string] {
  const i = header.indexOf(':');
  if (i <= 0) throw new InputError(`--header "${header.split(':')[0]}": expected "Name: value"`);
  return [header.slice(0, i).trim(), header.slice(i + 1).trim()];
}

function splitUrl(url: string): { base: string; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--url: not a valid URL (expected e.g. http://127.0.0.1:3000/path)`);
  }
  // origin drops user:password; keep them, so the plan can send them as Basic auth (as curl does).
  const credentials = parsed.username === '' && parsed.password === '' ? '' : `${parsed.username}:${parsed.password}@`;
  return { base: `${parsed.protocol}//${credentials}${parsed.host}`, path: `${parsed.pathname}${parsed.search}` };
}

/**
 * `--duration` over stages scales every stage by the same factor, so the shape of the ramp is kept and the
 * stages add up to the new total. Unreadable durations are left for validation to report.
 */
function scaleStages(stages: unknown[], duration: string): boolean {
  const target = parseDuration(duration);
  const spans = stages.map((s) =>
    isRecord(s) && (typeof s.duration === 'string' || typeof s.duration === 'number')
      ? parseDuration(s.duration)
      : undefined,
  );
  const total = spans.reduce<number>((sum, ms) => sum + (ms ?? Number.NaN), 0);
  if (target === undefined || !(total > 0)) return false;
  let assigned = 0;
  spans.forEach((ms, i) => {
    // The last stage takes the rounding remainder, so the total is exact.
    const scaled = i === spans.length - 1 ? Math.max(0, target - assigned) : Math.round(((ms ?? 0) * target) / total);
    assigned += scaled;
    (stages[i] as Json).duration = `${scaled}ms`;
  });
  return true;
}

function overrideLoad(load: Json, flags: RunFlags): void {
  if (flags.rate !== undefined || flags.connections !== undefined) {
    delete load.rate;
    delete load.connections;
    delete load.stages;
    if (flags.rate !== undefined) load.rate = flags.rate;
    if (flags.connections !== undefined) load.connections = flags.connections;
  }
  if (flags.duration !== undefined) {
    const stages = load.stages;
    // A --duration that cannot scale the stages stays as load.duration, where validation reports it.
    if (!Array.isArray(stages) || !scaleStages(stages, flags.duration)) load.duration = flags.duration;
  }
  if (flags.maxInFlight !== undefined) load.maxInFlight = flags.maxInFlight;
}

function overrideRequests(requests: unknown, flags: RunFlags): void {
  if (!Array.isArray(requests)) return;
  const headers = Object.fromEntries((flags.header ?? []).map(parseHeaderFlag));
  for (const r of requests) {
    if (!isRecord(r)) continue;
    if (flags.method !== undefined) r.method = flags.method;
    if (flags.body !== undefined) {
      delete r.json;
      r.body = flags.body;
    }
    if (Object.keys(headers).length > 0) r.headers = { ...(isRecord(r.headers) ? r.headers : {}), ...headers };
  }
}

/** A flow's steps differ in method and body by design: only --header applies to them (every step gets it). */
function overrideFlows(flows: unknown, flags: RunFlags): void {
  if (!Array.isArray(flows)) return;
  if (flags.method !== undefined || flags.body !== undefined) {
    throw new InputError('--method and --body apply to requests; a flow sets them per step in the scenario');
  }
  for (const flow of flows) if (isRecord(flow)) overrideRequests(flow.steps, { header: flags.header });
}

/** --message replaces the text of every send step of a WebSocket scenario. */
function overrideMessages(websocket: unknown, message: string | undefined): void {
  if (message === undefined || !isRecord(websocket) || !Array.isArray(websocket.steps)) return;
  for (const step of websocket.steps) if (isRecord(step) && step.send !== undefined) step.send = { text: message };
}

/**
 * A WebSocket session sends headers once, on its upgrade request, from the target: --header joins them there
 * (a WebSocket scenario has no requests for overrideRequests to reach, so it was silently dropped).
 */
function overrideSessionHeaders(out: Json, header: readonly string[] | undefined): void {
  if (!isRecord(out.websocket) || header === undefined || header.length === 0) return;
  const target: Json = isRecord(out.target) ? out.target : typeof out.target === 'string' ? { url: out.target } : {};
  const headers = Object.fromEntries(header.map(parseHeaderFlag));
  target.headers = { ...(isRecord(target.headers) ? target.headers : {}), ...headers };
  out.target = target;
}

/** Applies flags over a scenario file's parsed data (before validation, so flags are validated the same way). */
export function applyFlags(data: unknown, flags: RunFlags): unknown {
  if (!isRecord(data)) return data;
  const out: Json = structuredClone(data);
  if (flags.url !== undefined || flags.timeout !== undefined) {
    const target: Json = isRecord(out.target) ? out.target : typeof out.target === 'string' ? { url: out.target } : {};
    if (flags.url !== undefined) {
      delete target.demo;
      target.url = flags.url;
    }
    if (flags.timeout !== undefined) target.timeout = flags.timeout;
    out.target = target;
  }
  applyTransportFlags(out, flags);
  out.load = isRecord(out.load) ? out.load : {};
  overrideLoad(out.load as Json, flags);
  overrideRequests(out.requests, flags);
  overrideFlows(out.flows, flags);
  overrideMessages(out.websocket, flags.message);
  overrideSessionHeaders(out, flags.header);
  if (flags.slo !== undefined && flags.slo.length > 0) out.slos = flags.slo;
  else if (flags.defaultSlos === false && out.slos === undefined) out.slos = [];
  return out;
}

/**
 * An ad-hoc WebSocket run: each session sends the message and waits for the next one, again and again until the
 * run's duration ends (closed model); in the open model each session is one round trip.
 */
function adHocWebSocket(flags: RunFlags & { url: string }): unknown {
  const duration = flags.duration ?? '10s';
  const length = flags.rate === undefined ? { duration } : { rounds: 1 };
  const data: Json = {
    name: 'ad-hoc',
    target: { url: flags.url },
    load: { duration },
    websocket: { ...length, steps: [{ name: 'message', send: { text: flags.message ?? 'ping {{seq}}' } }] },
  };
  return applyFlags(data, { ...flags, message: undefined });
}

/** A scenario made from flags alone, as with autocannon or hey. */
export function adHocScenario(flags: RunFlags): unknown {
  if (flags.url === undefined) throw new InputError('give a scenario file, or --url for an ad-hoc run');
  if (flags.rate === undefined && flags.connections === undefined) {
    throw new InputError('an ad-hoc run needs --rate N (open model) or --connections N (closed model)');
  }
  if (isGrpcUrl(flags.url)) {
    const grpc = grpcAdHocData(flags);
    const data = { name: 'ad-hoc', load: { duration: flags.duration ?? '10s' }, ...grpc };
    return applyFlags(data, { ...flags, url: undefined, header: undefined });
  }
  if (/^wss?:\/\//i.test(flags.url)) return adHocWebSocket({ ...flags, url: flags.url });
  if (flags.message !== undefined) throw new InputError('--message is for ws:// and wss:// targets (use --body)');
  const { base, path } = splitUrl(flags.url);
  const data: Json = {
    name: 'ad-hoc',
    target: { url: base },
    load: { duration: flags.duration ?? '10s' },
    // No name: the plan names it by method and path template ("GET /users/:id"), never with the query.
    requests: [{ path }],
  };
  return applyFlags(data, { ...flags, url: base });
}
