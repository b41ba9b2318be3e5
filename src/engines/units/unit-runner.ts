import type { ArrivalSink } from '../arrival-loop.js';
import type { LoadPlan } from '../../scenario/plan.js';

/**
 * A unit of load that is one awaited piece of work: a flow iteration, a gRPC call, a WebSocket session. The
 * open and closed models of this folder schedule units without knowing what they are; the runner does the work,
 * records it, and counts what is in flight.
 */
export interface UnitRunner {
  readonly inFlight: number;
  /**
   * One unit, timed from `intendedAt` (a performance.now() timestamp). `pace` is true in the closed model, where
   * a unit may keep its own rhythm (a flow's last think time) before the next one starts.
   */
  run(intendedAt: number, pace: boolean): Promise<void>;
  /** Open-model starts that could not be made (in-flight cap, or the schedule ended): counted, never lost. */
  drop(count?: number): void;
  /** Waits up to `maxMs` for running units; whatever still runs after that is cut and not counted. */
  drain(maxMs: number): Promise<void>;
}

/** What the load models report besides the units themselves: what the arrival loop reports. */
export type UnitLoadSink = ArrivalSink;

export interface UnitLoad {
  readonly load: LoadPlan;
  readonly runner: UnitRunner;
  readonly sink: UnitLoadSink;
  /** How long running units may take to finish once the schedule is over, or after a stop. */
  drainBudgetMs(aborted: boolean): number;
}
