import grpc from '@grpc/grpc-js';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { RunError } from '../../errors.js';
import { type ProtoSet, protoSetFromDescriptors } from '../../scenario/grpc/proto-catalogue.js';

/**
 * Reads a server's methods and message types over the standard reflection service, for a gRPC target given
 * without .proto files. The protocol's client side is grpc-js-reflection-client (maintained, on grpc-js): it asks
 * for the file that defines each service and follows the file's dependencies. It hands back FileDescriptorSet
 * bytes, which we load into our own protobufjs (it bundles another major version), so the catalogue is the one
 * the .proto path builds, and validation and encoding cannot tell them apart.
 */

/** grpc.reflection.v1 first; servers that predate it offer only v1alpha. */
const VERSIONS = ['v1', 'v1alpha'] as const;
const UNIMPLEMENTED = 12;
/** The codes that mean no answer came from the server at all (refused, reset, silent): the target is down. */
const UNREACHED = new Set([4, 14]); // DEADLINE_EXCEEDED, UNAVAILABLE
const REFLECTION_SERVICE = /^grpc\.reflection\./;

/** The client wraps a failed call's error in its own, keeping only the text ("Error: 12 UNIMPLEMENTED: ..."). */
function statusOf(err: unknown): number | undefined {
  const match = /^(?:Error: )?(\d+) [A-Z_]+:/.exec(err instanceof Error ? err.message : String(err));
  return match === null ? undefined : Number(match[1]);
}

/** The library's text without its "Error: " prefix and grpc-js's empty resolution note. */
const reason = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '').replace(/\s*Resolution note:\s*$/, '');

const refused = (target: ReflectionTarget, err: unknown): string =>
  `reading the methods of ${target.display} by reflection failed (${reason(err)}): give the .proto files with ` +
  'proto: (or --proto)';

export interface ReflectionTarget {
  address: string;
  credentials: grpc.ChannelCredentials;
  /** The target as users see it (credentials redacted), for messages. */
  display: string;
  timeoutMs: number;
}

/**
 * The server's catalogue, or why it has none to give (a line for the scenario's `target`: pass the protos).
 * A server that cannot be reached is a RunError (exit 3), saying that without protos it must be up.
 */
export async function reflectProtos(target: ReflectionTarget): Promise<ProtoSet | string> {
  // Our own channel, handed to the client, so it is closed when we are done rather than left to idle.
  const channel = new grpc.Channel(target.address, target.credentials, {});
  try {
    for (const version of VERSIONS) {
      const client = new GrpcReflection(target.address, target.credentials, { channelOverride: channel }, version);
      const options = (): grpc.CallOptions => ({ deadline: Date.now() + target.timeoutMs });
      let services: string[];
      try {
        services = await client.listServices('*', new grpc.Metadata(), options());
      } catch (err) {
        const code = statusOf(err);
        if (code === UNIMPLEMENTED) continue;
        // The server answered but refused (e.g. UNAUTHENTICATED: reflection requests carry no call metadata).
        if (code !== undefined && !UNREACHED.has(code)) return refused(target, err);
        throw new RunError(
          `gRPC server ${target.display} is not reachable: ${reason(err)} (no proto given: its methods are read ` +
            'from its reflection service, so it must be up to validate or run)',
        );
      }
      const wanted = services.filter((s) => !REFLECTION_SERVICE.test(s));
      try {
        const sets = await Promise.all(
          wanted.map(async (s) =>
            (await client.getDescriptorBySymbol(s, new grpc.Metadata(), options())).getDescriptorBuffer(),
          ),
        );
        return protoSetFromDescriptors(sets);
      } catch (err) {
        return refused(target, err);
      }
    }
    return `gRPC server ${target.display} offers no reflection service: give the .proto files with proto: (or --proto)`;
  } finally {
    channel.close();
  }
}
