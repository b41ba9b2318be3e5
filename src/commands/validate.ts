import { ExitCode } from '../errors.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { workloadOf } from '../workloads/registry.js';
import { openFeed } from './open-feed.js';
import { resolvePlan } from './resolve-plan.js';

function describeSlos(plan: ExecutionPlan): string {
  const n = plan.slos.length;
  return plan.slos.some((s) => s.default) ? `${n} default SLOs` : `${n} SLOs`;
}

/**
 * `validate`: plans each file as `run` would, and says what it would run; nothing is sent. The data file is read
 * too (exists, within its size limit, has the columns the templates use), as `run` reads it before any traffic.
 */
export async function validateCommand(files: readonly string[]): Promise<number> {
  for (const file of files) {
    const plan = await resolvePlan(file, {});
    if (plan.data !== undefined) await openFeed(plan.data);
    const workload = workloadOf(plan).describe(plan);
    process.stdout.write(`${file}: ok (${plan.load.model} model, ${workload}, ${describeSlos(plan)})\n`);
  }
  return ExitCode.Pass;
}
