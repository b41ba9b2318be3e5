import type { ScenarioConfig } from '../scenario/schema.js';
import { loadScenario, validateScenario } from '../scenario/load.js';
import { type ExecutionPlan, planScenario, type ScenarioSource } from '../scenario/plan.js';
import { adHocScenario, applyFlags, type RunFlags } from './run-options.js';

/** How long the server's reflection has to answer each request before the target counts as unreachable. */
const REFLECTION_TIMEOUT_MS = 5000;

/**
 * Loads a scenario file (flags override its values) or builds one from flags alone. Its own module, so
 * `validate` and worker threads plan without loading the engines, reporters and brokers `run` needs.
 */
export async function resolvePlan(file: string | undefined, flags: RunFlags): Promise<ExecutionPlan> {
  if (file === undefined) return withReflection(validateScenario(adHocScenario(flags), '(command line)'), {});
  const loaded = await loadScenario(file, (data) => applyFlags(data, flags));
  return withReflection(loaded.config, loaded);
}

/**
 * Plans the scenario; a gRPC target given without protos is then asked for its methods over server reflection,
 * and the scenario planned again with them, so its calls and messages are checked exactly as from .proto files.
 */
async function withReflection(config: ScenarioConfig, source: ScenarioSource): Promise<ExecutionPlan> {
  const plan = planScenario(config, source);
  const endpoint = plan.grpc?.endpoint;
  if (plan.grpc?.reflect !== true || endpoint === undefined) return plan;
  // Loaded only here: grpc-js and the reflection client stay out of every other command's start.
  const [{ reflectProtos }, { grpcCredentials }] = await Promise.all([
    import('../engines/grpc/reflection.js'),
    import('../engines/grpc/grpc-credentials.js'),
  ]);
  const reflected = await reflectProtos({
    address: endpoint.address,
    credentials: grpcCredentials(plan, endpoint.tls),
    display: plan.targetDisplay,
    timeoutMs: REFLECTION_TIMEOUT_MS,
  });
  return planScenario(config, source, reflected);
}
