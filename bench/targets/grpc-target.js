// The gRPC benchmark's target: the shop's Inventory (scenarios/protos/shop.proto) answering GetItem at once, so
// section (g) measures the clients, not the handler. Usage: node grpc-target.js PORT
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node grpc-target.js PORT');
  process.exit(2);
}
const proto = fileURLToPath(new URL('../../scenarios/protos/shop.proto', import.meta.url));
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true }));
const item = { item: { sku: 'sku-1', stock: 42, price: 9.5, category: 'BOOKS' } };
const server = new grpc.Server();
server.addService(pkg.shop.Inventory.service, {
  GetItem: (_call, callback) => callback(null, item),
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    console.error(err.message);
    process.exit(3);
  }
  console.log(`bench grpc target on 127.0.0.1:${port} (pid ${process.pid})`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.tryShutdown(() => process.exit(0)));
