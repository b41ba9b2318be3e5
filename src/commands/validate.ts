import { ExitCode } from '../errors.js';
import { describeEvents } from '../scenario/event-plan.js';
import { describeFlows } from '../scenario/flow-plan.js';
import { resolvePlan } from './resolve-plan.js';

/** `validate`: plans each file as `run` would, and says what it would run; nothing is sent. */
export async function validateCommand(files: readonly string[]): Promise<number> {
  for (const file of files) {
    const plan = await resolvePlan(file, {});
    process.stdout.write(
      `${file}: ok (${plan.load.model} model, ${plan.events ? describeEvents(plan.events) : plan.flows ? describeFlows(plan.flows) : `${plan.requests.length} requests`}, ${plan.slos.length} SLOs)\n`,
    );
  }
  return ExitCode.Pass;
}
