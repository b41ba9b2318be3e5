/**
 * Process entry of the monolith demo. launch.ts forks it so the demo never shares the load
 * generator's event loop; it can also be run by hand: `node dist/targets/monolith-main.js --port 8080`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import { parseArgs } from 'node:util';
import { demoCertificate, type DemoProtocol, withProtocol } from './demo-protocol.js';
import { createMonolithServer } from './monolith.js';
import { failDemo, serveDemo } from './serve-demo.js';

export type { ReadyMessage } from './serve-demo.js';

function fail(message: string, code: number): never {
  return failDemo('demo monolith', message, code);
}

function readArgs(): { port: number; host: string } & DemoProtocol {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        tls: { type: 'boolean', default: false },
        h2: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid --port ${values.port}`, 2);
    return { port, host: values.host, tls: values.tls, h2: values.h2 };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 2);
  }
}

async function main(): Promise<void> {
  const { port, host, tls, h2 } = readArgs();
  const pems = tls ? await demoCertificate() : undefined;
  serveDemo(withProtocol(createMonolithServer(), { tls, h2 }, pems), 'demo monolith', host, port, pems?.cert);
}

void main();
