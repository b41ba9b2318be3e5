import { parseArgs } from 'node:util';
import type { DemoServer } from './demo-protocol.js';
import type { AddressInfo } from 'node:net';

/** Message sent to the parent over IPC once a demo server accepts connections. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly port: number;
  /** A TLS demo's self-signed certificate (PEM), for the parent to trust. */
  readonly certificate?: string;
}

/** Prints why a demo process cannot go on, and exits with the code (2 bad arguments, 3 cannot listen). */
export function failDemo(label: string, message: string, code: number): never {
  process.stderr.write(`${label}: ${message}\n`);
  process.exit(code);
}

/** `--port` and `--host` of a demo process (a bad value exits 2, naming the demo). */
export function readDemoArgs(label: string): { port: number; host: string } {
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) failDemo(label, `invalid --port ${values.port}`, 2);
    return { port, host: values.host };
  } catch (err) {
    return failDemo(label, err instanceof Error ? err.message : String(err), 2);
  }
}

/**
 * Runs a demo server as its own process: listens on host:port, tells the parent (IPC) or the user (stdout) where,
 * and stops on SIGTERM/SIGINT or when the parent goes away, so a demo never lingers as an orphan holding a port.
 */
export function serveDemo(server: DemoServer, label: string, host: string, port: number, certificate?: string): void {
  server.on('error', (err) => failDemo(label, `cannot listen on ${host}:${port}: ${err.message}`, 3));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Keep-alive sockets would hold close() open for 65 s; a demo has nothing worth draining.
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  server.listen(port, host, () => {
    const bound = (server.address() as AddressInfo).port;
    const ready: ReadyMessage = { type: 'ready', port: bound, ...(certificate !== undefined && { certificate }) };
    if (process.send !== undefined) process.send(ready);
    else process.stdout.write(`${label} listening on http${certificate ? 's' : ''}://${host}:${bound}\n`);
  });
}
