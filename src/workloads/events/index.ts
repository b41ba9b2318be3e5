import { describeEvents } from '../../scenario/event-plan.js';
import { partOf, type Workload } from '../workload.js';
import { eventsView } from './view.js';

/** Publish/consume load on a broker: one request scope per queue (its publishes); the events section beside. */
export const events: Workload = {
  drives: (plan) => plan.events !== undefined,
  describe: (plan) => describeEvents(partOf(plan.events, 'events')),
  splits: false,
  prepare: async (plan, { scale }) =>
    (await import('./run.js')).prepareEventRun(plan, partOf(plan.events, 'events'), scale),
  section: eventsView,
};
