import type { LoadPlan } from '../../scenario/plan.js';
import { ABORT_DRAIN_MS } from '../engine.js';
import { runClosedUnits } from '../units/closed-units.js';
import { runOpenUnits } from '../units/open-units.js';
import type { UnitLoad } from '../units/unit-runner.js';
import { WsRunner, type WsSessionSink } from './ws-runner.js';
import type { WsSessionPlan } from './ws-session.js';

const MODELS = { open: runOpenUnits, closed: runClosedUnits } satisfies Record<
  LoadPlan['model'],
  (load: UnitLoad, signal: AbortSignal) => Promise<void>
>;

/**
 * WebSocket load: sessions start at the rate (open model) or N run at once, each starting the next when it ends
 * (closed model). Once the schedule is over, sessions get `sessionMs` (their length, at most 30 s) to finish.
 */
export async function runWebSocketLoad(
  session: WsSessionPlan,
  load: LoadPlan,
  sessionMs: number,
  sink: WsSessionSink,
  signal: AbortSignal,
): Promise<void> {
  const runner = new WsRunner(session, sink, signal);
  const drainBudgetMs = (aborted: boolean): number => (aborted ? ABORT_DRAIN_MS : sessionMs);
  await MODELS[load.model]({ load, runner, sink, drainBudgetMs }, signal);
}
