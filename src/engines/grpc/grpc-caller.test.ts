import { dirname } from 'node:path';
import grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindShopServer, createShopServer, SHOP_PROTO } from '../../targets/grpc-shop.js';
import { GrpcChannel, holdToDeadline, statusName } from './grpc-caller.js';
import { messageProblems } from '../../scenario/grpc/message-check.js';
import { type GrpcMethod, loadProtos } from '../../scenario/grpc/proto-catalogue.js';

const protos = loadProtos(['shop.proto'], dirname(SHOP_PROTO));

function method(name: string): GrpcMethod {
  const m = protos.method(name);
  if (typeof m === 'string') throw new Error(m);
  return m;
}

describe('proto catalogue', () => {
  it('resolves methods with their call kind', () => {
    expect(method('shop.Inventory/GetItem').kind).toBe('unary');
    expect(method('shop.Inventory/WatchStock').kind).toBe('server_stream');
    expect(method('shop.Inventory/Restock').kind).toBe('client_stream');
    expect(method('shop.Inventory/GetItem').path).toBe('/shop.Inventory/GetItem');
  });

  it('names what exists when a service or method does not', () => {
    expect(protos.method('shop.Inventory/GetItems')).toMatch(/no method "GetItems".*GetItem, Reserve/);
    expect(protos.method('shop.Stock/GetItem')).toMatch(/no service "shop.Stock".*shop.Inventory/);
    expect(protos.method('GetItem')).toMatch(/expected package.Service\/Method/);
  });

  it('reports a proto that does not parse', () => {
    expect(() => loadProtos(['missing.proto'], dirname(SHOP_PROTO))).toThrow(/missing.proto/);
  });
});

describe('message check', () => {
  const request = method('shop.Inventory/Reserve').requestType;

  it('accepts a fitting message, templates where scalars go, and JSON field names', () => {
    expect(messageProblems(request, { sku: 'sku-{{randomInt 1 9}}', quantity: '{{seq}}', orderId: 'o-1' })).toEqual([]);
  });

  it('lists every unknown field and wrong type with its path', () => {
    const problems = messageProblems(request, { skuu: 'a', quantity: 'many', order_id: 5 });
    expect(problems.map((p) => p.path.join('.'))).toEqual(['skuu', 'quantity', 'order_id']);
    expect(problems[0]?.message).toMatch(/unknown field of ReserveRequest \(fields: sku, quantity, order_id\)/);
    expect(problems[1]?.message).toMatch(/expected a number/);
  });

  it('walks nested messages and enums', () => {
    const reply = method('shop.Inventory/GetItem').responseType;
    const problems = messageProblems(reply, { item: { sku: 'a', category: 'FOOD', stock: 1.5 } });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'item.category: expected one of CATEGORY_UNSPECIFIED, BOOKS, TOOLS',
      'item.stock: expected an integer (int32)',
    ]);
  });
});

describe('deadlines held at their precision', () => {
  const answered = (code: number) => ({
    code,
    details: undefined,
    firstMessageAt: 1,
    messages: 1,
    response: undefined,
  });
  it('an answer read at or after the deadline is DEADLINE_EXCEEDED whatever its status; before it, as it came', () => {
    const late = answered(grpc.status.NOT_FOUND);
    holdToDeadline(late, 4, 104, 110);
    expect([statusName(late.code), late.details]).toEqual([
      'DEADLINE_EXCEEDED',
      'answered after the 4 ms deadline (NOT_FOUND)',
    ]);
    const lateOk = answered(grpc.status.OK);
    holdToDeadline(lateOk, 4, 104, 104);
    expect([statusName(lateOk.code), lateOk.details]).toEqual([
      'DEADLINE_EXCEEDED',
      'answered after the 4 ms deadline',
    ]);
    const inTime = answered(grpc.status.NOT_FOUND);
    holdToDeadline(inTime, 4, 104, 103.9);
    expect(statusName(inTime.code)).toBe('NOT_FOUND');
  });
});

describe('grpc channel against the demo shop', () => {
  const shop = createShopServer({ serviceTimeMs: [5, 5], streamIntervalMs: 3 });
  let channel: GrpcChannel;

  beforeAll(async () => {
    const port = await bindShopServer(shop.server, '127.0.0.1', 0);
    channel = new GrpcChannel(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await channel.ready(5000);
  });
  afterAll(() => {
    channel.close();
    shop.server.forceShutdown();
  });

  const call = (name: string, messages: Record<string, unknown>[], deadlineMs = 2000) =>
    channel.call(method(name), { messages, metadata: { 'x-test': '1' }, deadlineMs, keepResponse: true });

  it('makes a unary call and decodes the response', async () => {
    const r = await call('shop.Inventory/GetItem', [{ sku: 'sku-7' }]);
    expect(r.code).toBe(0);
    expect(r.messages).toBe(1);
    expect(r.response).toMatchObject({ item: { sku: 'sku-7', category: 'BOOKS' } });
  });

  it('names status codes', async () => {
    const r = await call('shop.Inventory/GetItem', [{ sku: 'nope' }]);
    expect(statusName(r.code)).toBe('NOT_FOUND');
    expect(r.details).toMatch(/no item nope/);
  });

  it('gives DEADLINE_EXCEEDED when the deadline is shorter than the handler', async () => {
    const r = await call('shop.Inventory/GetItem', [{ sku: 'sku-1' }], 1);
    expect(statusName(r.code)).toBe('DEADLINE_EXCEEDED');
  });

  it('counts server-stream messages and notes the first', async () => {
    const r = await call('shop.Inventory/WatchStock', [{ sku: 'sku-2', updates: 5 }]);
    expect(r.code).toBe(0);
    expect(r.messages).toBe(5);
    expect(r.firstMessageAt).toBeTypeOf('number');
  });

  it('sends a client stream', async () => {
    const lines = [1, 2, 3].map((quantity) => ({ sku: 'sku-3', quantity }));
    const r = await call('shop.Inventory/Restock', lines);
    expect(r.response).toEqual({ lines: 3, units: 6 });
    expect(shop.stats.calls.Restock).toBe(1);
  });
});
