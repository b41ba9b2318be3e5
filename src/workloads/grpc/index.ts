import { partOf, type Workload } from '../workload.js';
import { grpcView } from './section.js';

/** Calls to a gRPC server: each request is a call, the run's scopes; streaming calls add their figures. */
export const grpc: Workload = {
  drives: (plan) => plan.grpc !== undefined,
  describe: (plan) => `${partOf(plan.grpc, 'gRPC calls').requests.length} gRPC calls`,
  splits: false,
  // grpc-js and protobufjs load only when a run starts.
  prepare: async (plan, { feed, signal }) =>
    (await import('./run.js')).prepareGrpcRun(plan, partOf(plan.grpc, 'gRPC calls'), feed, signal),
  section: grpcView,
};
