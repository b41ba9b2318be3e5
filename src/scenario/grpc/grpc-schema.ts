import { z } from 'zod';
import { GRPC_STATUS_NAMES, type GrpcStatusName } from '../../metrics/error-kinds.js';

/**
 * The gRPC part of the scenario format. A request (or a flow step) whose target or service is a grpc:// or
 * grpcs:// URL names a method instead of a path: `call: shop.Inventory/GetItem`, with a templated `message`
 * (or `messages` for client and bidi streams), `metadata`, and `expect: { code: OK }`. schema.ts spreads these
 * fields into Request, so requests and steps take them alike.
 */

export type GrpcCodeName = GrpcStatusName;

const GrpcCode = z.enum(GRPC_STATUS_NAMES);
const Message = z.record(z.string(), z.unknown());

export const grpcRequestFields = {
  call: z
    .string()
    .regex(/^[A-Za-z_][\w.]*\/[A-Za-z_]\w*$/, 'expected package.Service/Method, e.g. shop.Inventory/GetItem')
    .optional()
    .meta({ description: 'gRPC: the method to call, package.Service/Method (the target is grpc:// or grpcs://)' }),
  message: Message.optional().meta({ description: 'gRPC: the request message; string leaves may use templates' }),
  messages: z
    .array(Message)
    .min(1)
    .optional()
    .meta({ description: 'gRPC client or bidi streaming: the messages sent, in order' }),
  metadata: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .optional()
    .meta({ description: 'gRPC: call metadata (headers); values may use templates' }),
};

export const grpcExpectFields = {
  code: z
    .union([GrpcCode, z.array(GrpcCode).min(1)])
    .optional()
    .meta({ description: 'gRPC: status codes that count as success (default OK)' }),
};

export const grpcTargetFields = {
  proto: z
    .union([z.string(), z.array(z.string()).min(1)])
    .optional()
    .meta({
      description:
        "gRPC: .proto files, relative to the scenario file; without them a target's methods are read from its server reflection",
    }),
  protoIncludes: z
    .array(z.string())
    .optional()
    .meta({ description: 'gRPC: directories searched for imports of the .proto files' }),
};

export function isGrpcUrl(url: string): boolean {
  return /^grpcs?:\/\//i.test(url);
}
