/**
 * Process entry of the gRPC demo (the shop's Inventory service of scenarios/protos/shop.proto). launch.ts forks
 * it so the demo never shares the load generator's event loop; by hand: `node dist/targets/grpc-main.js --port 50051`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import { parseArgs } from 'node:util';
import { bindShopServer, createShopServer } from './grpc-shop.js';
import { failDemo, type ReadyMessage } from './serve-demo.js';

const LABEL = 'demo grpc';

function readArgs(): { port: number; host: string } {
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) failDemo(LABEL, `invalid --port ${values.port}`, 2);
    return { port, host: values.host };
  } catch (err) {
    return failDemo(LABEL, err instanceof Error ? err.message : String(err), 2);
  }
}

async function main(): Promise<void> {
  const { port, host } = readArgs();
  const { server } = createShopServer({ serviceTimeMs: [1, 3] });
  let bound: number;
  try {
    bound = await bindShopServer(server, host, port);
  } catch (err) {
    failDemo(LABEL, `cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`, 3);
  }
  const stop = (): void => server.tryShutdown(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  const ready: ReadyMessage = { type: 'ready', port: bound };
  if (process.send !== undefined) process.send(ready);
  else process.stdout.write(`${LABEL} listening on grpc://${host}:${bound}\n`);
}

void main();
