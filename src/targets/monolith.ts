import http from 'node:http';
import { InputError } from '../errors.js';
import { monolithOpenApi } from './monolith-openapi.js';

/**
 * The embedded "monolith" demo: an in-memory users service, so a new user can point the tool at
 * something real with zero set-up. It runs in its own process (see monolith-main.ts), never on the
 * load generator's event loop, or it would steal the CPU it is being measured with.
 */

export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string | null;
  readonly createdAt: string;
}

export interface MonolithOptions {
  /** Each response (except /health and /__stats) waits uniformly in [min, max] ms. Default [2, 6]. */
  readonly serviceTimeMs?: readonly [number, number];
  /** The store keeps at most this many users, evicting the oldest. Default 10 000. */
  readonly maxUsers?: number;
  /** Users present at start. Default 100 (capped at maxUsers). */
  readonly seedUsers?: number;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
// A POST body is a tiny JSON object; anything bigger is abuse, not a user.
const MAX_BODY_BYTES = 64 * 1024;

type Reply = { status: number; body: unknown };
type Handler = (req: http.IncomingMessage, url: URL, params: string[]) => Promise<Reply> | Reply;
interface Route {
  readonly key: string; // path template, also the /__stats label
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
  readonly instant?: boolean; // skip the simulated service time
}

/** Bounded store: a Map keeps insertion order, so its first key is always the oldest user. */
class UserStore {
  private readonly users = new Map<number, User>();
  private nextId = 1;

  constructor(private readonly maxUsers: number) {}

  get size(): number {
    return this.users.size;
  }

  add(name: string, email: string | null, createdAt = new Date()): User {
    const user: User = { id: this.nextId++, name, email, createdAt: createdAt.toISOString() };
    this.users.set(user.id, user);
    while (this.users.size > this.maxUsers) {
      const oldest = this.users.keys().next();
      if (oldest.done === true) break;
      this.users.delete(oldest.value);
    }
    return user;
  }

  get(id: number): User | undefined {
    return this.users.get(id);
  }

  list(limit: number): User[] {
    const out: User[] = [];
    for (const user of this.users.values()) {
      if (out.length >= limit) break;
      out.push(user);
    }
    return out;
  }
}

export function createMonolithServer(options: MonolithOptions = {}): http.Server {
  const [minMs, maxMs] = validServiceTime(options.serviceTimeMs ?? [2, 6]);
  const maxUsers = validCount('maxUsers', options.maxUsers ?? 10_000, 1);
  const store = new UserStore(maxUsers);
  seed(store, Math.min(validCount('seedUsers', options.seedUsers ?? 100, 0), maxUsers));

  const counts: Record<string, number> = {};
  const routes = buildRoutes(store, counts);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    void dispatch(routes, req, url, method)
      .then(async ({ reply, route }) => {
        if (route?.key !== '/__stats') {
          const label = `${method} ${route?.key ?? '(unmatched)'}`;
          counts[label] = (counts[label] ?? 0) + 1;
        }
        if (route?.instant !== true) await sleep(minMs + Math.random() * (maxMs - minMs));
        sendJson(res, reply);
      })
      .catch(() => sendJson(res, { status: 500, body: { error: 'internal error' } }));
  });
  // Load generators reuse connections; the Node default (5 s) would close them between bursts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000; // must exceed keepAliveTimeout, or idle sockets race the timer
  return server;
}

function buildRoutes(store: UserStore, counts: Record<string, number>): Route[] {
  return [
    { key: '/health', pattern: /^\/health$/, instant: true, methods: { GET: () => ok({ status: 'ok' }) } },
    { key: '/__stats', pattern: /^\/__stats$/, instant: true, methods: { GET: () => ok({ requests: { ...counts } }) } },
    {
      key: '/openapi.json',
      pattern: /^\/openapi\.json$/,
      instant: true,
      // The document names the server it was fetched from, so an import of it runs against this demo as is.
      methods: { GET: (req) => ok(monolithOpenApi(`http://${req.headers.host ?? '127.0.0.1'}`)) },
    },
    {
      key: '/users',
      pattern: /^\/users\/?$/,
      methods: { GET: (_req, url) => listUsers(store, url), POST: (req) => createUser(store, req) },
    },
    {
      key: '/users/:id',
      pattern: /^\/users\/([^/]+)$/,
      methods: { GET: (_req, _url, [id]) => getUser(store, id ?? '') },
    },
  ];
}

async function dispatch(
  routes: readonly Route[],
  req: http.IncomingMessage,
  url: URL,
  method: string,
): Promise<{ reply: Reply; route: Route | undefined }> {
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (match === null) continue;
    const handler = route.methods[method === 'HEAD' ? 'GET' : method];
    if (handler === undefined) {
      req.resume(); // drain an unwanted body so the keep-alive connection stays usable
      return { reply: { status: 405, body: { error: 'method not allowed' } }, route };
    }
    return { reply: await handler(req, url, match.slice(1)), route };
  }
  req.resume();
  return { reply: { status: 404, body: { error: 'not found' } }, route: undefined };
}

function listUsers(store: UserStore, url: URL): Reply {
  const raw = url.searchParams.get('limit');
  if (raw === null) return ok(store.list(DEFAULT_LIMIT));
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0) return badRequest('limit must be a non-negative integer');
  return ok(store.list(Math.min(limit, MAX_LIMIT)));
}

function getUser(store: UserStore, rawId: string): Reply {
  const user = /^\d+$/.test(rawId) ? store.get(Number(rawId)) : undefined;
  return user === undefined ? { status: 404, body: { error: 'not found' } } : ok(user);
}

async function createUser(store: UserStore, req: http.IncomingMessage): Promise<Reply> {
  const text = await readBody(req);
  if (text === undefined) return { status: 413, body: { error: `body larger than ${MAX_BODY_BYTES} bytes` } };
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return badRequest('body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return badRequest('body must be a JSON object');
  }
  const { name, email } = input as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return badRequest('name is required (non-empty string)');
  if (email !== undefined && email !== null && typeof email !== 'string') return badRequest('email must be a string');
  return { status: 201, body: store.add(name, email ?? null) };
}

/** Resolves to the body text, or undefined if it exceeds MAX_BODY_BYTES (the rest is drained). */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, { status, body }: Reply): void {
  if (res.destroyed || res.headersSent) return; // client went away during the service delay
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload); // node drops the body itself for HEAD
}

function seed(store: UserStore, count: number): void {
  // Fixed timestamps, one minute apart, keep seeded responses identical from run to run.
  const base = Date.UTC(2024, 0, 1);
  for (let i = 1; i <= count; i++) store.add(`User ${i}`, `user${i}@example.com`, new Date(base + i * 60_000));
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const badRequest = (error: string): Reply => ({ status: 400, body: { error } });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function validServiceTime([min, max]: readonly [number, number]): [number, number] {
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min <= max)) {
    throw new InputError(`demo serviceTimeMs must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  }
  return [min, max];
}

function validCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(`demo ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}
