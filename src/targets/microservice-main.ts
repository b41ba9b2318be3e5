/**
 * Process entry of one service of the microservices demo; microservices-main.ts forks one per service so
 * each has its own event loop, as real services do. By hand:
 * `node dist/targets/microservice-main.js --role orders --inventory http://127.0.0.1:4003`.
 *
 * Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen (mirrors src/errors.ts).
 */
import { parseArgs } from 'node:util';
import { createService, type Route, type ServiceName } from './microservices/service-kit.js';
import {
  SERVICE_TIME_MS,
  gatewayRoutes,
  inventoryRoutes,
  ordersRoutes,
  usersRoutes,
} from './microservices/services.js';
import { failDemo, serveDemo } from './serve-demo.js';

type Dependencies = Partial<Record<ServiceName, string>>;

function need(deps: Dependencies, name: ServiceName): string {
  const url = deps[name];
  if (url === undefined) fail(`--${name} <url> is required`, 2);
  return url;
}

const ROLES = {
  users: () => usersRoutes(),
  inventory: () => inventoryRoutes(),
  orders: (deps) => ordersRoutes({ inventory: need(deps, 'inventory') }),
  gateway: (deps) => gatewayRoutes({ users: need(deps, 'users'), orders: need(deps, 'orders') }),
} satisfies Record<ServiceName, (deps: Dependencies) => Route[]>;

const isRole = (name: string): name is ServiceName => Object.hasOwn(ROLES, name);

function fail(message: string, code: number): never {
  return failDemo('demo microservices', message, code);
}

function readArgs(): { role: ServiceName; port: number; host: string; deps: Dependencies } {
  let values: Record<string, string | undefined>;
  try {
    const url = { type: 'string' } as const;
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        users: url,
        orders: url,
        inventory: url,
      },
    }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), 2);
  }
  const role = values.role ?? '';
  if (!isRole(role)) fail(`--role must be one of ${Object.keys(ROLES).join(', ')}`, 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid --port ${values.port}`, 2);
  const deps: Dependencies = { users: values.users, orders: values.orders, inventory: values.inventory };
  return { role, port, host: values.host ?? '127.0.0.1', deps };
}

function main(): void {
  const { role, port, host, deps } = readArgs();
  const server = createService(role, ROLES[role](deps), { serviceTimeMs: SERVICE_TIME_MS[role] });
  serveDemo(server, `demo service ${role}`, host, port);
}

main();
