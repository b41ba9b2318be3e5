/**
 * Start and stop the embedded demo systems (`target: { demo: monolith }`). Each demo runs in its own
 * child process, so it never competes with the load generator's event loop, and listens on a free
 * port of 127.0.0.1 only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RunError } from '../errors.js';
import type { ReadyMessage } from './serve-demo.js';

export type DemoName = 'monolith' | 'microservices' | 'grpc' | 'websocket';

export interface DemoDef {
  /** Compiled entry file, a sibling of launch.js in dist/targets/. */
  readonly entry: string;
  /** One line, shown by the CLI when listing demos. */
  readonly description: string;
  /** The URL scheme clients use (default http, or https when it serves TLS). */
  readonly scheme?: 'grpc' | 'ws';
}

export const DEMOS = {
  monolith: { entry: 'monolith-main.js', description: 'In-memory users REST service (node:http), 2-6 ms service time' },
  microservices: {
    entry: 'microservices-main.js',
    description: 'gateway, users, orders, inventory ~25 ms (HTTP); stock (gRPC)',
  },
  grpc: {
    entry: 'grpc-main.js',
    description: 'the shop Inventory over gRPC (protos/shop.proto), 1-3 ms',
    scheme: 'grpc',
  },
  websocket: { entry: 'websocket-main.js', description: 'WebSocket echo service, ~5 ms service time', scheme: 'ws' },
} as const satisfies Record<DemoName, DemoDef>;

export interface RunningDemo {
  readonly name: DemoName;
  readonly url: string;
  /** A multi-service demo's services by name (base URLs); empty for a single-service demo. */
  readonly services: Readonly<Record<string, string>>;
  /** A TLS demo's self-signed certificate (PEM): the run trusts it, and only it. */
  readonly certificate?: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartDemoOptions {
  /** Port to listen on; 0 (default) lets the OS pick a free one. */
  readonly port?: number;
  /** How long to wait for the demo to report ready. Default 10 s. */
  readonly timeoutMs?: number;
  /** Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a certificate made at start (monolith only). */
  readonly tls?: boolean;
  /** Serve cleartext HTTP/2 (h2c, prior knowledge) instead of HTTP/1.1 (monolith only). */
  readonly h2?: boolean;
}

const HOST = '127.0.0.1';
const KILL_AFTER_MS = 3_000;
const STDERR_TAIL_LINES = 20;

export function demoNames(): DemoName[] {
  return Object.keys(DEMOS) as DemoName[];
}

export async function startDemo(name: DemoName, options: StartDemoOptions = {}): Promise<RunningDemo> {
  const flags = [...(options.tls === true ? ['--tls'] : []), ...(options.h2 === true ? ['--h2'] : [])];
  const child = forkEntry(name, options.port ?? 0, flags);
  const stderr = collectTail(child);
  let ready: DemoReady;
  try {
    ready = await waitForReady(child, name, options.timeoutMs ?? 10_000, stderr);
  } catch (err) {
    await terminate(child);
    throw err;
  }
  // A forgotten stop() must not keep the CLI alive: the child exits by itself when our IPC channel
  // closes, so it cannot outlive us either way.
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket | null)?.unref();
  let stopping: Promise<void> | undefined;
  return {
    name,
    url: `${demoScheme(name, ready.certificate !== undefined)}://${HOST}:${ready.port}`,
    ...(ready.certificate !== undefined && { certificate: ready.certificate }),
    services: Object.fromEntries(
      Object.entries(ready.services ?? {}).map(([n, port]) => [n, `${ready.schemes?.[n] ?? 'http'}://${HOST}:${port}`]),
    ),
    pid: child.pid ?? -1, // defined: a child that never spawned cannot have sent 'ready'
    stop: () => (stopping ??= terminate(child)),
  };
}

function demoScheme(name: DemoName, tls: boolean): string {
  const def: DemoDef = DEMOS[name];
  return def.scheme ?? (tls ? 'https' : 'http');
}

/**
 * Under tsc the entry is a compiled .js sibling; under vitest or tsx only the .ts source exists,
 * which node can run through the tsx loader (a devDependency, so never needed once built).
 */
function forkEntry(name: DemoName, port: number, flags: readonly string[]): ChildProcess {
  const jsUrl = new URL(`./${DEMOS[name].entry}`, import.meta.url);
  const tsUrl = new URL(jsUrl.href.replace(/\.js$/, '.ts'));
  let file: string;
  let execArgv: string[] = [];
  if (existsSync(jsUrl)) {
    file = fileURLToPath(jsUrl);
  } else if (existsSync(tsUrl)) {
    file = fileURLToPath(tsUrl);
    execArgv = ['--import', tsxLoader()];
  } else {
    throw new RunError(`demo ${name}: entry ${fileURLToPath(jsUrl)} not found (run npm run build)`);
  }
  // execArgv is explicit so the test runner's or debugger's own flags are not inherited.
  return fork(file, ['--port', String(port), '--host', HOST, ...flags], {
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/** Absolute URL of the tsx loader, so it resolves whatever the user's working directory is. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch (err) {
    throw new RunError('demo sources are not compiled and tsx is not installed (run npm run build)', { cause: err });
  }
}

/** Keeps the last lines of the child's stderr, to explain an early death. */
function collectTail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8');
  // Always read: a full pipe would block a chatty child mid-run.
  child.stderr?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-8_192);
  });
  return () => text.trim().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}

function waitForReady(
  child: ChildProcess,
  name: DemoName,
  timeoutMs: number,
  stderr: () => string,
): Promise<DemoReady> {
  return new Promise<DemoReady>((resolve, reject) => {
    const settle = (outcome: () => void): void => {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit).off('error', onError);
      outcome();
    };
    const onMessage = (msg: unknown): void => {
      if (isReady(msg)) settle(() => resolve(msg));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      // 'exit' can fire before the last stderr chunk is read; 'close' waits for the pipes.
      child.once('close', () => {
        const tail = stderr();
        const how = signal === null ? `code ${code}` : `signal ${signal}`;
        const message = `demo ${name} exited with ${how} before it was ready${tail ? `:\n${tail}` : ''}`;
        settle(() => reject(new RunError(message)));
      });
    };
    const onError = (err: Error): void =>
      settle(() => reject(new RunError(`demo ${name} could not be started: ${err.message}`, { cause: err })));
    const timer = setTimeout(
      () => settle(() => reject(new RunError(`demo ${name} did not report ready within ${timeoutMs} ms`))),
      timeoutMs,
    );
    child.on('message', onMessage).once('exit', onExit).once('error', onError);
  });
}

/** A multi-service demo also reports each service's port. */
type DemoReady = ReadyMessage & {
  readonly services?: Readonly<Record<string, number>>;
  /** A service's URL scheme when it is not http (the microservices demo's gRPC `stock`). */
  readonly schemes?: Readonly<Record<string, string>>;
};

function isReady(msg: unknown): msg is DemoReady {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<DemoReady>;
  const services = m.services === undefined || Object.values(m.services).every((p) => typeof p === 'number');
  return m.type === 'ready' && typeof m.port === 'number' && services;
}

/** SIGTERM, then SIGKILL if the child has not exited within KILL_AFTER_MS; resolves once it is gone. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  child.ref(); // keep the event loop alive until the exit is observed
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
