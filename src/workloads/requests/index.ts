import type { Workload } from '../workload.js';

/** Weighted HTTP requests against one target; the run's request scopes are all it has, so no section. */
export const requests: Workload = {
  drives: (plan) => plan.requests.length > 0,
  describe: (plan) => `${plan.requests.length} requests`,
  splits: true,
  // The engines load only when a run starts, so `report` and `compare` never pull them in.
  prepare: async (plan, { feed, scale }) => (await import('./run.js')).prepareHttpRun(plan, feed, scale),
};
