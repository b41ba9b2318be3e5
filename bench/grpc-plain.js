// The peer of section (g): a plain @grpc/grpc-js client loop, C calls in flight on one channel for D seconds,
// nothing recorded but a count. Prints {"calls":N,"seconds":S}. Usage: node grpc-plain.js ADDRESS C D
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [address, c, d] = process.argv.slice(2);
const proto = fileURLToPath(new URL('../scenarios/protos/shop.proto', import.meta.url));
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true }));
const client = new pkg.shop.Inventory(address, grpc.credentials.createInsecure());
const endAt = performance.now() + Number(d) * 1000;
let calls = 0;
const start = performance.now();
const loop = () =>
  new Promise((resolve) => {
    const next = () => {
      if (performance.now() >= endAt) return resolve();
      client.GetItem({ sku: 'sku-1' }, { deadline: Date.now() + 10_000 }, (err) => {
        if (!err) calls++;
        next();
      });
    };
    next();
  });
await new Promise((resolve, reject) =>
  client.waitForReady(Date.now() + 5000, (err) => (err ? reject(err) : resolve())),
);
await Promise.all(Array.from({ length: Number(c) }, loop));
console.log(JSON.stringify({ calls, seconds: (performance.now() - start) / 1000 }));
client.close();
