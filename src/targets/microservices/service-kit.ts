import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';

/**
 * What every service of the microservices demo shares: JSON in and out, a simulated service time, a
 * `/__stats` endpoint (requests by route and by caller, traceparent validity, recent trace ids) so tests can
 * compare the tool's figures with what the services saw, and W3C trace context passed on to dependencies.
 * Written as a foreign backend would be: nothing here comes from the load generator's own code.
 */

export type ServiceName = 'gateway' | 'users' | 'orders' | 'inventory';

export interface Reply {
  status: number;
  body: unknown;
}

/** The incoming request as a handler sees it. */
export interface Call {
  params: string[];
  body: unknown;
  /** Pass to downstream calls: the caller's trace continues through this service. */
  trace: TraceContext;
}

export interface Route {
  method: string;
  /** Path template, also the stats label: "/users/:id". */
  key: string;
  pattern: RegExp;
  handle(call: Call): Promise<Reply> | Reply;
}

export interface ServiceOptions {
  /** Each answered request (not /health or /__stats) first waits uniformly in [min, max] ms. */
  serviceTimeMs: readonly [number, number];
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const RECENT_TRACES = 500;
const MAX_BODY_BYTES = 64 * 1024;
/** Header our services put on calls to each other, so stats can tell the load generator's calls apart. */
export const CALLER_HEADER = 'x-demo-caller';

export interface TraceContext {
  traceId: string | undefined;
}

interface Stats {
  service: ServiceName;
  requests: number;
  byRoute: Record<string, number>;
  byCaller: Record<string, number>;
  traceparent: { valid: number; missing: number; malformed: number };
  recentTraceIds: string[];
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const notFound = (what: string): Reply => ({ status: 404, body: { error: `${what} not found` } });
export const badRequest = (error: string): Reply => ({ status: 400, body: { error } });

export function createService(name: ServiceName, routes: readonly Route[], options: ServiceOptions): http.Server {
  const stats: Stats = {
    service: name,
    requests: 0,
    byRoute: {},
    byCaller: {},
    traceparent: { valid: 0, missing: 0, malformed: 0 },
    recentTraceIds: [],
  };
  const [minMs, maxMs] = options.serviceTimeMs;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/health') return send(res, ok({ status: 'ok', service: name }));
    if (req.method === 'GET' && path === '/__stats') return send(res, ok(stats));
    const trace = observe(stats, req);
    void readJson(req)
      .then(async (body) => {
        const { route, params } = match(routes, req.method ?? 'GET', path);
        const label = route === undefined ? '(unmatched)' : `${route.method} ${route.key}`;
        stats.byRoute[label] = (stats.byRoute[label] ?? 0) + 1;
        await sleep(minMs + Math.random() * (maxMs - minMs));
        if (body === INVALID) return badRequest('body is not valid JSON');
        return route === undefined ? notFound('route') : route.handle({ params, body, trace });
      })
      .catch((err: unknown) => ({ status: 500, body: { error: err instanceof Error ? err.message : String(err) } }))
      .then((reply) => send(res, reply));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function observe(stats: Stats, req: http.IncomingMessage): TraceContext {
  stats.requests++;
  const caller = req.headers[CALLER_HEADER];
  const from = typeof caller === 'string' ? caller : 'client';
  stats.byCaller[from] = (stats.byCaller[from] ?? 0) + 1;
  const header = req.headers.traceparent;
  if (header === undefined) {
    stats.traceparent.missing++;
    return { traceId: undefined };
  }
  const m = TRACEPARENT.exec(Array.isArray(header) ? (header[0] ?? '') : header);
  if (m === null || /^0+$/.test(m[1] ?? '') || /^0+$/.test(m[2] ?? '')) {
    stats.traceparent.malformed++;
    return { traceId: undefined };
  }
  stats.traceparent.valid++;
  const traceId = m[1] as string;
  stats.recentTraceIds.push(traceId);
  if (stats.recentTraceIds.length > RECENT_TRACES) stats.recentTraceIds.shift();
  return { traceId };
}

function match(routes: readonly Route[], method: string, path: string): { route?: Route; params: string[] } {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m !== null && route.method === method) return { route, params: m.slice(1) };
  }
  return { params: [] };
}

const INVALID = Symbol('invalid JSON');

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) text += chunk;
    });
    req.on('end', () => {
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(INVALID);
      }
    });
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, { status, body }: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls another service of the demo, continuing the caller's trace with a span of this service's own
 * (a fresh parent id), as an instrumented service would. A dependency that does not answer is a 502.
 */
export async function callService(
  from: ServiceName,
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  trace: TraceContext,
  body?: unknown,
): Promise<Reply> {
  const headers: Record<string, string> = { [CALLER_HEADER]: from };
  if (trace.traceId !== undefined) headers.traceparent = `00-${trace.traceId}-${randomBytes(8).toString('hex')}-01`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await request(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch (err) {
    return {
      status: 502,
      body: { error: `${from} → ${baseUrl}: ${err instanceof Error ? err.message : String(err)}` },
    };
  }
}

/** Reads a positive integer field of a JSON body, or undefined. */
export function positiveInt(body: unknown, field: string): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const v = (body as Record<string, unknown>)[field];
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
