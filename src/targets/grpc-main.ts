/**
 * Process entry of the gRPC demo (the shop's Inventory service of scenarios/protos/shop.proto). launch.ts forks
 * it so the demo never shares the load generator's event loop; by hand: `node dist/targets/grpc-main.js --port 50051`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import { bindShopServer, createShopServer } from './grpc-shop.js';
import { failDemo, type ReadyMessage, readDemoArgs } from './serve-demo.js';

const LABEL = 'demo grpc';

async function main(): Promise<void> {
  const { port, host } = readDemoArgs(LABEL);
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
