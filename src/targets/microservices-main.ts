/**
 * Process entry of the microservices demo: a small supervisor that starts gateway, users, orders and
 * inventory, each in its own process on its own loopback port, and reports them to launch.ts in one ready
 * message. A service that dies while running is left dead (its callers see connection errors, which is
 * what a test of a failing dependency wants); stopping the supervisor stops them all.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if a service cannot start.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServiceName } from './microservices/service-kit.js';

const KILL_AFTER_MS = 3_000;
const READY_WITHIN_MS = 10_000;

/** Same extension as this file: .js when built, .ts under tsx (the loader is inherited through execArgv). */
const ENTRY = fileURLToPath(
  new URL(`./microservice-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/** The demo shop's gRPC inventory (grpc-main), the `stock` service that flows call over gRPC. */
const GRPC_ENTRY = fileURLToPath(
  new URL(`./grpc-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

const children = new Map<ServiceName | 'stock', ChildProcess>();
let stopping = false;

function readArgs(): { port: number; host: string } {
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid --port ${values.port}`);
    return { port, host: values.host };
  } catch (err) {
    process.stderr.write(`demo microservices: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}

/** Forks one service and resolves with its port once it reports ready. */
function startService(
  role: ServiceName | 'stock',
  port: number,
  host: string,
  deps: Record<string, number>,
): Promise<number> {
  const args = role === 'stock' ? [] : ['--role', role];
  args.push('--port', String(port), '--host', host);
  for (const [name, p] of Object.entries(deps)) args.push(`--${name}`, `http://${host}:${p}`);
  const child = fork(role === 'stock' ? GRPC_ENTRY : ENTRY, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.set(role, child);
  return new Promise((resolve, reject) => {
    const late = (): void => reject(new Error(`${role} did not report ready within ${READY_WITHIN_MS} ms`));
    const timer = setTimeout(late, READY_WITHIN_MS);
    child.once('message', (msg: unknown) => {
      clearTimeout(timer);
      const reported = typeof msg === 'object' && msg !== null ? (msg as { port?: unknown }).port : undefined;
      if (typeof reported === 'number') resolve(reported);
      else reject(new Error(`${role} sent an unexpected message`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited with ${signal ?? `code ${code}`} before it was ready`));
      if (!stopping) process.stderr.write(`demo microservices: ${role} exited (${signal ?? `code ${code}`})\n`);
    });
  });
}

function stopAll(): Promise<void> {
  stopping = true;
  const exits = [...children.values()].map((child) => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const escalate = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      child.once('exit', () => {
        clearTimeout(escalate);
        resolve();
      });
      child.kill('SIGTERM');
    });
  });
  return Promise.all(exits).then(() => undefined);
}

async function main(): Promise<void> {
  const { port, host } = readArgs();
  const stop = (): void => {
    if (!stopping) void stopAll().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  let ports: Record<ServiceName | 'stock', number>;
  try {
    // Dependencies first: a service learns its dependencies' URLs when it starts.
    const [users, inventory, stock] = await Promise.all([
      startService('users', 0, host, {}),
      startService('inventory', 0, host, {}),
      startService('stock', 0, host, {}),
    ]);
    const orders = await startService('orders', 0, host, { inventory });
    const gateway = await startService('gateway', port, host, { users, orders });
    ports = { gateway, users, orders, inventory, stock };
  } catch (err) {
    process.stderr.write(`demo microservices: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll();
    process.exit(3);
  }
  // stock speaks gRPC; the others HTTP.
  const schemes = { stock: 'grpc' };
  if (process.send !== undefined) process.send({ type: 'ready', port: ports.gateway, services: ports, schemes });
  else
    for (const [name, p] of Object.entries(ports)) {
      process.stdout.write(`${name.padEnd(10)} ${name === 'stock' ? 'grpc' : 'http'}://${host}:${p}\n`);
    }
}

void main();
