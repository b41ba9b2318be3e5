/**
 * Process entry of the monolith demo. launch.ts forks it so the demo never shares the load
 * generator's event loop; it can also be run by hand: `node dist/targets/monolith-main.js --port 8080`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import { parseArgs } from 'node:util';
import { createMonolithServer } from './monolith.js';
import { failDemo, serveDemo } from './serve-demo.js';

export type { ReadyMessage } from './serve-demo.js';

function fail(message: string, code: number): never {
  return failDemo('demo monolith', message, code);
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
  serveDemo(createMonolithServer(), 'demo monolith', host, port);
}

main();
