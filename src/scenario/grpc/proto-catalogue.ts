import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/**
 * The gRPC methods a scenario may call, read from its .proto files with protobufjs (the library
 * @grpc/proto-loader is built on). We keep protobufjs's own Types rather than proto-loader's descriptors
 * because validation needs to walk message fields, and encoding needs the same Types.
 */

/** One callable method: its HTTP/2 path and how its messages are typed and streamed. */
export interface GrpcMethod {
  /** "shop.Inventory/GetItem", as the scenario names it. */
  readonly name: string;
  /** "/shop.Inventory/GetItem", the path grpc-js sends. */
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly kind: GrpcCallKind;
}

export type GrpcCallKind = 'unary' | 'server_stream' | 'client_stream' | 'bidi_stream';

/** A .proto that cannot be read or parsed; the message names the file and, where known, the line. */
export class ProtoError extends Error {}

/**
 * Loads the files (relative to `baseDir`, imports resolved next to the importing file, then against each
 * include directory) and resolves every type, so a dangling type reference is found here, before traffic.
 */
export function loadProtos(files: readonly string[], baseDir: string, includeDirs: readonly string[] = []): ProtoSet {
  const root = new protobuf.Root();
  const includes = includeDirs.map((d) => resolve(baseDir, d));
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    const candidates = [
      resolve(origin === '' ? baseDir : dirname(origin), target),
      ...includes.map((d) => resolve(d, target)),
    ];
    return candidates.find((c) => existsSync(c)) ?? candidates[0] ?? target;
  };
  try {
    root.loadSync(
      files.map((f) => resolve(baseDir, f)),
      { keepCase: true },
    );
    root.resolveAll();
  } catch (err) {
    throw new ProtoError(err instanceof Error ? err.message : String(err));
  }
  return new ProtoSet(root);
}

/** What the descriptor extension adds to Root (its typings declare the messages, not this static). */
const RootFromDescriptor = protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root };

/**
 * Builds the same catalogue from serialized FileDescriptorSets, as server reflection returns them: files are
 * merged by name (two services often share a file or a dependency) and every type resolved, as for .proto files.
 */
export function protoSetFromDescriptors(sets: readonly Uint8Array[]): ProtoSet {
  const files = new Map<string, protobuf.Message>();
  for (const bytes of sets) {
    const set = descriptor.FileDescriptorSet.decode(bytes) as protobuf.Message & { file?: protobuf.Message[] };
    for (const file of set.file ?? []) {
      const name = (file as protobuf.Message & { name?: string }).name ?? `#${files.size}`;
      if (!files.has(name)) files.set(name, file);
    }
  }
  try {
    const root = RootFromDescriptor.fromDescriptor(descriptor.FileDescriptorSet.create({ file: [...files.values()] }));
    root.resolveAll();
    return new ProtoSet(root);
  } catch (err) {
    throw new ProtoError(
      `the server's descriptors do not resolve: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export class ProtoSet {
  constructor(private readonly root: protobuf.Root) {}

  /** "pkg.Service/Method" → the method, or a message listing what the protos do offer. */
  method(name: string): GrpcMethod | string {
    const slash = name.lastIndexOf('/');
    if (slash <= 0 || slash === name.length - 1) return `"${name}": expected package.Service/Method`;
    const serviceName = name.slice(0, slash);
    const methodName = name.slice(slash + 1);
    const service = this.root.lookup(serviceName);
    if (!(service instanceof protobuf.Service)) {
      return `no service "${serviceName}" in the protos (services: ${this.serviceNames().join(', ') || 'none'})`;
    }
    const method = service.methods[methodName];
    if (method === undefined) {
      return `service ${serviceName} has no method "${methodName}" (methods: ${Object.keys(service.methods).join(', ')})`;
    }
    method.resolve();
    const requestType = method.resolvedRequestType;
    const responseType = method.resolvedResponseType;
    if (requestType === null || responseType === null) return `method ${name}: unresolved message types`;
    const kind: GrpcCallKind = method.requestStream
      ? method.responseStream
        ? 'bidi_stream'
        : 'client_stream'
      : method.responseStream
        ? 'server_stream'
        : 'unary';
    return { name, path: `/${serviceName}/${methodName}`, requestType, responseType, kind };
  }

  serviceNames(): string[] {
    const names: string[] = [];
    const walk = (ns: protobuf.NamespaceBase): void => {
      for (const child of ns.nestedArray) {
        if (child instanceof protobuf.Service) names.push(child.fullName.replace(/^\./, ''));
        else if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) walk(child);
      }
    };
    walk(this.root);
    return names;
  }
}
