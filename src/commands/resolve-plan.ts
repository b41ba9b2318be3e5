import { loadScenario, validateScenario } from '../scenario/load.js';
import { type ExecutionPlan, planScenario } from '../scenario/plan.js';
import { adHocScenario, applyFlags, type RunFlags } from './run-options.js';

/**
 * Loads a scenario file (flags override its values) or builds one from flags alone. Its own module, so
 * `validate` and worker threads plan without loading the engines, reporters and brokers `run` needs.
 */
export async function resolvePlan(file: string | undefined, flags: RunFlags): Promise<ExecutionPlan> {
  if (file === undefined) return planScenario(validateScenario(adHocScenario(flags), '(command line)'));
  const loaded = await loadScenario(file, (data) => applyFlags(data, flags));
  return planScenario(loaded.config, loaded);
}
