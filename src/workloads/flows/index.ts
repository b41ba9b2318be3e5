import { describeFlows } from '../../scenario/flow-plan.js';
import { partOf, type Workload } from '../workload.js';
import { flowsView } from './view.js';

/** Multi-step flows across services: steps are the request scopes; flows, services and traces form its section. */
export const flows: Workload = {
  drives: (plan) => plan.flows !== undefined,
  describe: (plan) => describeFlows(partOf(plan.flows, 'flows')),
  splits: false,
  prepare: async (plan, { feed }) => (await import('./run.js')).prepareFlowRun(plan, partOf(plan.flows, 'flows'), feed),
  section: flowsView,
};
