import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtoSet } from '../../scenario/grpc/proto-catalogue.js';
import { bindShopServer, createShopServer, SHOP_PROTO } from '../../targets/grpc-shop.js';
import { reflectProtos } from './reflection.js';

const servers: grpc.Server[] = [];
afterAll(() => servers.forEach((s) => s.forceShutdown()));

type Implementation = Parameters<grpc.Server['addService']>[1];

/** A shop that offers only the reflection versions `keep` accepts (by the service's path), optionally replaced. */
async function shopWithReflection(
  keep: (path: string) => boolean,
  replace?: (implementation: Implementation) => Implementation,
): Promise<string> {
  const { server } = createShopServer({ serviceTimeMs: [1, 1], reflection: false });
  const definition = protoLoader.loadSync(SHOP_PROTO, { keepCase: true });
  new ReflectionService(definition).addToServer({
    addService: (service, implementation) => {
      const path = Object.values(service)[0]?.path ?? '';
      if (keep(path)) server.addService(service, replace?.(implementation) ?? implementation);
    },
  });
  servers.push(server);
  return `127.0.0.1:${await bindShopServer(server, '127.0.0.1', 0)}`;
}

const reflect = (address: string) =>
  reflectProtos({ address, credentials: grpc.credentials.createInsecure(), display: address, timeoutMs: 3000 });

describe('reflectProtos', () => {
  it('reads the catalogue over v1, and falls back to v1alpha on a server that has only that', async () => {
    for (const keep of [(p: string) => p.includes('.v1.'), (p: string) => p.includes('.v1alpha.')]) {
      const protos = await reflect(await shopWithReflection(keep));
      expect(protos).toBeInstanceOf(ProtoSet);
      const method = (protos as ProtoSet).method('shop.Inventory/QuotePrices');
      expect(method).toMatchObject({ kind: 'bidi_stream', path: '/shop.Inventory/QuotePrices' });
      expect((protos as ProtoSet).serviceNames()).toEqual(['shop.Inventory']);
    }
  });

  it('a reflection service that refuses (UNAUTHENTICATED): the reason, not "unreachable"', async () => {
    const deny = (impl: Implementation): Implementation =>
      Object.fromEntries(
        Object.keys(impl).map((name) => [
          name,
          (call: grpc.ServerDuplexStream<unknown, unknown>) =>
            call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'no token' }),
        ]),
      );
    const result = await reflect(await shopWithReflection(() => true, deny));
    expect(result).toMatch(/by reflection failed \(16 UNAUTHENTICATED: no token\): give the \.proto files/);
  });

  it('a server with no reflection service: the reason, to be reported at the target', async () => {
    const result = await reflect(await shopWithReflection(() => false));
    expect(result).toMatch(/offers no reflection service: give the \.proto files/);
  });
});
