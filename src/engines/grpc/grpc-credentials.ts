import grpc from '@grpc/grpc-js';
import type { ExecutionPlan } from '../../scenario/plan.js';

/** The channel credentials of a gRPC target: plaintext, or TLS with the target's CA, client certificate and checks. */
export function grpcCredentials(plan: Pick<ExecutionPlan, 'transport'>, tls: boolean): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const t = plan.transport?.tls;
  // The plan holds the PEM text, read at plan time.
  const pem = (text: string | undefined): Buffer | null => (text === undefined ? null : Buffer.from(text));
  return grpc.credentials.createSsl(pem(t?.ca), pem(t?.key), pem(t?.cert), {
    ...(t?.insecure === true && { checkServerIdentity: () => undefined }),
  });
}
