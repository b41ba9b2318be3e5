import type { TimeseriesPoint } from '../metrics/run-aggregator.js';
import type { RunResult } from '../result/run-result.js';

export type Awaitable<T> = T | Promise<T>;

/** What is known when load is about to start. */
export interface RunStart {
  runId: string;
  scenario: string;
  target: string;
  model: 'open' | 'closed';
  durationMs: number;
  requests: readonly string[];
  sloCount: number;
}

/** The live view, once a second. */
export interface LiveUpdate {
  elapsedMs: number;
  durationMs: number;
  point: TimeseriesPoint;
  totalRequests: number;
  totalErrors: number;
  totalDropped: number;
}

/** Every hook but onEnd is optional, so a small reporter stays small. */
export interface Reporter {
  onStart?(start: RunStart): Awaitable<void>;
  onInterval?(update: LiveUpdate): Awaitable<void>;
  onEnd(result: RunResult): Awaitable<void>;
}
