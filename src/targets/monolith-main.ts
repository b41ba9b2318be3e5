/**
 * Process entry of the monolith demo. launch.ts forks it so the demo never shares the load
 * generator's event loop; it can also be run by hand: `node dist/targets/monolith-main.js --port 8080`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createMonolithServer } from './monolith.js';

/** Message sent to the parent over IPC once the server accepts connections. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly port: number;
}

function fail(message: string, code: number): never {
  process.stderr.write(`demo monolith: ${message}\n`);
  process.exit(code);
}

function readArgs(): { port: number; host: string } {
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid --port ${values.port}`, 2);
    return { port, host: values.host };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 2);
  }
}

function main(): void {
  const { port, host } = readArgs();
  const server = createMonolithServer();
  server.on('error', (err) => fail(`cannot listen on ${host}:${port}: ${err.message}`, 3));

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
  // The parent died or let go of us: never linger as an orphan holding a port.
  process.once('disconnect', stop);

  server.listen(port, host, () => {
    const bound = (server.address() as AddressInfo).port;
    if (process.send !== undefined) {
      const ready: ReadyMessage = { type: 'ready', port: bound };
      process.send(ready);
    } else {
      process.stdout.write(`demo monolith listening on http://${host}:${bound}\n`);
    }
  });
}

main();
