import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

/**
 * The demo shop's gRPC inventory (scenarios/protos/shop.proto), written as a foreign backend would be: plain
 * grpc-js with proto-loader, nothing from the load generator's code. It keeps call counts by method so tests can
 * compare the tool's figures with what the server saw.
 */

/** shop.proto ships in scenarios/ (which the package publishes); two levels up from src/targets or dist/targets. */
export const SHOP_PROTO = fileURLToPath(new URL('../../scenarios/protos/shop.proto', import.meta.url));

export interface ShopOptions {
  /** Each call first waits uniformly in [min, max] ms. */
  serviceTimeMs: readonly [number, number];
  /** Milliseconds between the messages of WatchStock. */
  streamIntervalMs?: number;
  /** Offer server reflection (grpc.reflection v1 and v1alpha), as many real servers do; default true. */
  reflection?: boolean;
}

export interface ShopStats {
  calls: Record<string, number>;
  /** Messages the bidirectional QuotePrices received and answered, so tests can match them with the tool's. */
  quotes: { received: number; sent: number };
}

interface ShopServer {
  server: grpc.Server;
  stats: ShopStats;
}

const SKUS = 500;
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function serviceTime([min, max]: readonly [number, number]): number {
  return min + Math.random() * (max - min);
}

type Unary = grpc.handleUnaryCall<Record<string, unknown>, Record<string, unknown>>;

export function createShopServer(options: ShopOptions): ShopServer {
  const definition = protoLoader.loadSync(SHOP_PROTO, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    shop: { Inventory: grpc.ServiceClientConstructor };
  };
  const stock = new Map<string, number>();
  for (let i = 1; i <= SKUS; i++) stock.set(`sku-${i}`, 1_000_000);
  const stats: ShopStats = { calls: {}, quotes: { received: 0, sent: 0 } };
  const count = (method: string): void => void (stats.calls[method] = (stats.calls[method] ?? 0) + 1);
  const delay = (): Promise<void> => wait(serviceTime(options.serviceTimeMs));

  const GetItem: Unary = (call, callback) => {
    count('GetItem');
    const sku = String(call.request.sku);
    void delay().then(() => {
      const level = stock.get(sku);
      if (level === undefined) return callback({ code: grpc.status.NOT_FOUND, details: `no item ${sku}` });
      callback(null, { item: { sku, stock: level, price: 9.5, category: 'BOOKS' } });
    });
  };
  const Reserve: Unary = (call, callback) => {
    count('Reserve');
    const sku = String(call.request.sku);
    const quantity = Number(call.request.quantity);
    void delay().then(() => {
      const level = stock.get(sku);
      if (level === undefined) return callback({ code: grpc.status.NOT_FOUND, details: `no item ${sku}` });
      if (!(quantity > 0) || quantity > level) {
        return callback({ code: grpc.status.FAILED_PRECONDITION, details: `cannot reserve ${quantity} of ${sku}` });
      }
      stock.set(sku, level - quantity);
      callback(null, { reservation_id: randomBytes(6).toString('hex'), remaining: level - quantity });
    });
  };
  const WatchStock: grpc.handleServerStreamingCall<Record<string, unknown>, Record<string, unknown>> = (call) => {
    count('WatchStock');
    const sku = String(call.request.sku);
    const updates = Math.min(100, Math.max(1, Number(call.request.updates) || 1));
    void (async () => {
      await delay();
      for (let i = 0; i < updates && !call.cancelled; i++) {
        if (i > 0) await wait(options.streamIntervalMs ?? 2);
        call.write({ sku, stock: stock.get(sku) ?? 0, at_ms: String(Date.now()) });
      }
      call.end();
    })();
  };
  const Restock: grpc.handleClientStreamingCall<Record<string, unknown>, Record<string, unknown>> = (
    call,
    callback,
  ) => {
    count('Restock');
    let lines = 0;
    let units = 0;
    call.on('data', (line: Record<string, unknown>) => {
      lines++;
      units += Number(line.quantity) || 0;
    });
    call.on('end', () => void delay().then(() => callback(null, { lines, units })));
  };

  const QuotePrices: grpc.handleBidiStreamingCall<Record<string, unknown>, Record<string, unknown>> = (call) => {
    count('QuotePrices');
    // One reply per query, each after the service time, chained so replies keep the queries' order; the
    // stream ends once every query has been answered.
    let answered = Promise.resolve();
    call.on('data', (query: Record<string, unknown>) => {
      stats.quotes.received++;
      const sku = String(query.sku);
      const quantity = Number(query.quantity) || 0;
      answered = answered.then(async () => {
        await delay();
        if (call.cancelled) return;
        call.write({ sku, quantity, total: quantity * 9.5 });
        stats.quotes.sent++;
      });
    });
    call.on('end', () => void answered.then(() => call.end()));
  };

  const server = new grpc.Server();
  server.addService(pkg.shop.Inventory.service, { GetItem, Reserve, WatchStock, Restock, QuotePrices });
  if (options.reflection !== false) new ReflectionService(definition).addToServer(server);
  return { server, stats };
}

/** Binds on host:port (0: a free port) and resolves with the port. */
export function bindShopServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
}
