import type { CheckPlan } from '../check-plan.js';
import { type CompiledJson, type CompiledString, compileJson, compileString } from '../template.js';
import { GRPC_STATUS_NAMES } from '../../metrics/error-kinds.js';
import type { GrpcCodeName } from './grpc-schema.js';
import { messageProblems } from './message-check.js';
import { type GrpcMethod, loadProtos, type ProtoSet } from './proto-catalogue.js';

/**
 * Plans gRPC calls: the method is looked up in the target's protos and each message is checked against its type
 * before any traffic, so `call: shop.Inventory/GetItems` or a misspelt field is exit 2 with the file, line and
 * field. Templates are compiled once, as for HTTP bodies.
 */

export interface GrpcCallPlan {
  readonly method: GrpcMethod;
  /** One for unary and server streaming; the stream's messages for client and bidi streaming. */
  readonly messages: readonly CompiledJson[];
  readonly metadata: readonly (readonly [string, CompiledString])[];
  /** Status codes that count as success. */
  readonly expectCodes: ReadonlySet<number>;
}

/** One weighted request of a gRPC run: its scope, the call and the checks on its response message. */
export interface GrpcRequestPlan {
  readonly index: number;
  readonly name: string;
  readonly weight: number;
  readonly call: GrpcCallPlan;
  readonly checks: readonly CheckPlan[];
}

/** The fields of a request or step that a gRPC call reads (schema.ts: grpcRequestFields and expect.code). */
export interface GrpcCallFields {
  call?: string | undefined;
  message?: Record<string, unknown> | undefined;
  messages?: Record<string, unknown>[] | undefined;
  metadata?: Record<string, string> | undefined;
  expect?: { code?: GrpcCodeName | GrpcCodeName[] | undefined; status?: unknown } | undefined;
  path?: string | undefined;
  method?: string | undefined;
  json?: unknown;
  body?: string | undefined;
  query?: unknown;
}

export type AddProblem = (path: readonly (string | number)[], message: string) => void;

/** Where a grpc:// or grpcs:// URL points: host:port for grpc-js, and whether to use TLS. */
export function grpcAddress(url: string): { address: string; tls: boolean } | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${url} (expected e.g. grpc://127.0.0.1:50051)`;
  }
  const tls = parsed.protocol === 'grpcs:';
  if (!tls && parsed.protocol !== 'grpc:') return `expected a grpc:// or grpcs:// URL, got ${parsed.protocol}`;
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    return `a gRPC target is host:port only (${parsed.pathname} is not used; name the method with call:)`;
  }
  return { address: `${parsed.hostname}:${parsed.port || (tls ? '443' : '80')}`, tls };
}

/** Loads a target's protos, or reports why not at the `proto` field. */
export function planProtos(
  proto: string | string[],
  includes: string[] | undefined,
  baseDir: string,
  add: AddProblem,
  at: readonly (string | number)[],
): ProtoSet | undefined {
  try {
    return loadProtos(Array.isArray(proto) ? proto : [proto], baseDir, includes);
  } catch (err) {
    add([...at, 'proto'], (err as Error).message);
    return undefined;
  }
}

const HTTP_ONLY = ['path', 'method', 'json', 'body', 'query'] as const;

export function planGrpcCall(
  r: GrpcCallFields,
  protos: ProtoSet,
  add: AddProblem,
  at: readonly (string | number)[],
): GrpcCallPlan | undefined {
  for (const field of HTTP_ONLY) {
    if (
      r[field] !== undefined &&
      !(field === 'method' && r.method === 'GET') &&
      !(field === 'path' && r.path === '/')
    ) {
      add([...at, field], `${field} is for HTTP requests; a gRPC call names its method with call:`);
    }
  }
  if (r.call === undefined) {
    add([...at, 'call'], 'a request to a gRPC target names its method: call: package.Service/Method');
    return undefined;
  }
  const method = protos.method(r.call);
  if (typeof method === 'string') {
    add([...at, 'call'], method);
    return undefined;
  }
  const streamsIn = method.kind === 'client_stream' || method.kind === 'bidi_stream';
  if (r.messages !== undefined && !streamsIn) add([...at, 'messages'], `${r.call} takes one message: use message:`);
  const given = r.messages ?? [r.message ?? {}];
  const field = r.messages !== undefined ? 'messages' : 'message';
  const messages: CompiledJson[] = [];
  given.forEach((m, i) => {
    const base = r.messages !== undefined ? [...at, field, i] : [...at, field];
    for (const p of messageProblems(method.requestType, m)) add([...base, ...p.path], p.message);
    try {
      messages.push(compileJson(m));
    } catch (err) {
      add(base, (err as Error).message);
    }
  });
  const metadata = Object.entries(r.metadata ?? {}).flatMap(([k, v]) => {
    try {
      return [[k.toLowerCase(), compileString(v)] as const];
    } catch (err) {
      add([...at, 'metadata', k], (err as Error).message);
      return [];
    }
  });
  const codes: readonly GrpcCodeName[] =
    r.expect?.code === undefined ? ['OK'] : Array.isArray(r.expect.code) ? r.expect.code : [r.expect.code];
  if (r.expect?.status !== undefined) add([...at, 'expect', 'status'], 'a gRPC call expects a code, e.g. code: OK');
  const expectCodes = new Set(codes.map((c) => GRPC_STATUS_NAMES.indexOf(c)));
  return { method, messages, metadata, expectCodes };
}
