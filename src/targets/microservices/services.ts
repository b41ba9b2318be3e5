import {
  badRequest,
  callService,
  created,
  notFound,
  ok,
  positiveInt,
  type Reply,
  type Route,
  type ServiceName,
} from './service-kit.js';

/**
 * The four services of the demo and who calls whom:
 *
 *   client ─▶ gateway  POST /checkout ─▶ users GET /users/:id
 *                                     └▶ orders POST /orders ─▶ inventory POST /reservations
 *   client ─▶ users    POST /users, GET /users/:id
 *   client ─▶ orders   GET /orders/:id
 *   client ─▶ inventory GET /stock/:sku
 *
 * Inventory is the deliberately slow dependency (~25 ms), so a checkout's time has somewhere to go.
 */

/** Service time per service, [min, max] ms. */
export const SERVICE_TIME_MS: Readonly<Record<ServiceName, readonly [number, number]>> = {
  gateway: [0.5, 1.5],
  users: [1, 3],
  orders: [2, 4],
  inventory: [20, 30],
};

/** Each store keeps at most this many records, evicting the oldest: a long demo run must not grow without bound. */
const MAX_RECORDS = 50_000;

class Store<T> {
  private readonly items = new Map<number, T>();
  private nextId = 1;

  add(make: (id: number) => T): T {
    const id = this.nextId++;
    const item = make(id);
    this.items.set(id, item);
    if (this.items.size > MAX_RECORDS) {
      const oldest = this.items.keys().next();
      if (oldest.done !== true) this.items.delete(oldest.value);
    }
    return item;
  }

  get(raw: string | undefined): T | undefined {
    return raw !== undefined && /^\d+$/.test(raw) ? this.items.get(Number(raw)) : undefined;
  }
}

const route = (method: string, key: string, handle: Route['handle']): Route => ({
  method,
  key,
  pattern: new RegExp(`^${key.replace(/:[a-z]+/g, '([^/]+)')}$`),
  handle,
});

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

export function usersRoutes(): Route[] {
  const users = new Store<{ id: number; name: string; email: string | null }>();
  return [
    route('POST', '/users', ({ body }) => {
      const name = field(body, 'name');
      const email = field(body, 'email');
      if (typeof name !== 'string' || name.trim() === '') return badRequest('name is required');
      return created(users.add((id) => ({ id, name, email: typeof email === 'string' ? email : null })));
    }),
    route('GET', '/users/:id', ({ params }) => {
      const user = users.get(params[0]);
      return user === undefined ? notFound('user') : ok(user);
    }),
  ];
}

export function inventoryRoutes(): Route[] {
  // Stock never runs out for good: a demo that starts failing after N orders would teach the wrong lesson.
  const RESTOCK = 1_000_000;
  const stock = new Map<string, number>();
  const available = (sku: string): number => stock.get(sku) ?? RESTOCK;
  const reservations = new Store<{ reservationId: number; sku: string; quantity: number }>();
  return [
    route('GET', '/stock/:sku', ({ params }) => ok({ sku: params[0], available: available(params[0] ?? '') })),
    route('POST', '/reservations', ({ body }) => {
      const sku = field(body, 'sku');
      const quantity = positiveInt(body, 'quantity');
      if (typeof sku !== 'string' || quantity === undefined)
        return badRequest('sku and a positive quantity are required');
      const left = available(sku) - quantity;
      stock.set(sku, left < quantity ? RESTOCK : left);
      return created(reservations.add((reservationId) => ({ reservationId, sku, quantity })));
    }),
  ];
}

interface Order {
  id: number;
  userId: number;
  sku: string;
  quantity: number;
  reservationId: unknown;
  status: 'confirmed';
}

export function ordersRoutes(deps: { inventory: string }): Route[] {
  const orders = new Store<Order>();
  return [
    route('POST', '/orders', async ({ body, trace }) => {
      const userId = positiveInt(body, 'userId');
      const sku = field(body, 'sku');
      const quantity = positiveInt(body, 'quantity') ?? 1;
      if (userId === undefined || typeof sku !== 'string') return badRequest('userId and sku are required');
      const reserved = await callService('orders', deps.inventory, 'POST', '/reservations', trace, { sku, quantity });
      if (reserved.status !== 201) return reserved;
      const reservationId = field(reserved.body, 'reservationId');
      return created(orders.add((id) => ({ id, userId, sku, quantity, reservationId, status: 'confirmed' })));
    }),
    route('GET', '/orders/:id', ({ params }) => {
      const order = orders.get(params[0]);
      return order === undefined ? notFound('order') : ok(order);
    }),
  ];
}

export function gatewayRoutes(deps: { users: string; orders: string }): Route[] {
  return [
    route('POST', '/checkout', async ({ body, trace }): Promise<Reply> => {
      const userId = positiveInt(body, 'userId');
      if (userId === undefined) return badRequest('userId is required');
      const user = await callService('gateway', deps.users, 'GET', `/users/${userId}`, trace);
      if (user.status === 404) return { status: 422, body: { error: `unknown user ${userId}` } };
      if (user.status !== 200) return user;
      return callService('gateway', deps.orders, 'POST', '/orders', trace, body);
    }),
  ];
}
