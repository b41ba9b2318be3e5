import { describeWebSocket } from '../../scenario/websocket/websocket-plan.js';
import { partOf, type Workload } from '../workload.js';
import { webSocketView } from './view.js';

/** WebSocket sessions against one target: send steps are the request scopes (round trips); sessions beside. */
export const websocket: Workload = {
  drives: (plan) => plan.websocket !== undefined,
  describe: (plan) => describeWebSocket(partOf(plan.websocket, 'websocket')),
  splits: false,
  prepare: async (plan) => (await import('./run.js')).prepareWebSocketRun(plan, partOf(plan.websocket, 'websocket')),
  section: webSocketView,
};
