type FieldPath = readonly (string | number)[];
import { fileURLToPath } from 'node:url';
import { planChecks } from '../check-plan.js';
import type { ScenarioConfig } from '../schema.js';
import { type GrpcRequestPlan, grpcAddress, planGrpcCall, planProtos } from './grpc-plan.js';
import { isGrpcUrl } from './grpc-schema.js';
import type { ProtoSet } from './proto-catalogue.js';

/** The demo shop's proto ships with the tool: `target: { demo: grpc }` needs no proto: of its own. */
const DEMO_PROTO = fileURLToPath(new URL('../../../scenarios/protos/shop.proto', import.meta.url));

/**
 * A scenario whose target is a grpc:// or grpcs:// URL (or the gRPC demo) runs its requests as gRPC calls. This
 * plans them: the protos are loaded, every call's method and messages checked, and the endpoint resolved.
 */
export interface GrpcRunPlan {
  /** host:port and TLS for grpc-js; absent when the demo provides the endpoint. */
  readonly endpoint: { address: string; tls: boolean } | undefined;
  readonly requests: readonly GrpcRequestPlan[];
  /**
   * No protos were given and the server's reflection has not been read yet: the calls are unplanned until the
   * plan is made again with what reflection gives (commands/resolve-plan.ts).
   */
  readonly reflect?: boolean;
}

interface ProblemSink {
  add(path: FieldPath, message: string): void;
}

/** Whether the scenario's requests are gRPC calls. */
export function drivesGrpc(config: Pick<ScenarioConfig, 'target'>): boolean {
  const t = config.target;
  if (typeof t === 'string') return isGrpcUrl(t);
  return t?.demo === 'grpc' || (t?.url !== undefined && isGrpcUrl(t.url));
}

export function planGrpcRun(
  config: ScenarioConfig,
  baseDir: string,
  problems: ProblemSink,
  reflected?: ProtoSet | string,
): GrpcRunPlan | undefined {
  if (!drivesGrpc(config)) return undefined;
  const add = (path: FieldPath, message: string): void => problems.add(path, message);
  const t = config.target;
  const url = typeof t === 'string' ? t : t?.url;
  let endpoint: GrpcRunPlan['endpoint'];
  if (url !== undefined) {
    const resolved = grpcAddress(url);
    if (typeof resolved === 'string') add(['target'], resolved);
    else endpoint = resolved;
  }
  const proto = typeof t === 'object' ? (t.proto ?? (t.demo === 'grpc' ? DEMO_PROTO : undefined)) : undefined;
  const includes = typeof t === 'object' ? t.protoIncludes : undefined;
  if (proto === undefined && typeof reflected === 'string') add(['target'], reflected);
  const protos =
    proto === undefined
      ? typeof reflected === 'object'
        ? reflected
        : undefined
      : planProtos(proto, includes, baseDir, add, ['target']);
  if (config.requests === undefined) {
    add(['requests'], 'a gRPC target needs requests, each naming a method with call:');
    return undefined;
  }
  if (proto === undefined && reflected === undefined) return { endpoint, requests: [], reflect: true };
  if (protos === undefined) return { endpoint, requests: [] };
  const requests = config.requests.flatMap((r, index): GrpcRequestPlan[] => {
    const at: FieldPath = ['requests', index];
    const call = planGrpcCall(r, protos, add, at);
    const checks = planChecks(r.checks, at, problems);
    for (const [j, c] of (r.checks ?? []).entries()) {
      if (c.header !== undefined) add([...at, 'checks', j, 'header'], 'a gRPC call has no response headers to check');
    }
    if (call === undefined) return [];
    return [{ index, name: r.name ?? r.call ?? `call-${index + 1}`, weight: r.weight, call, checks }];
  });
  return { endpoint, requests };
}
