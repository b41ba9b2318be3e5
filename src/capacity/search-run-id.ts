import type { Reporter } from '../reporters/reporter.js';

/**
 * Shows every step of a search to a live exporter (Prometheus, OTLP) as one run: each step's start and result
 * carry the search's run id, so one `run_id` in Grafana follows the whole search, its target rate stepping up.
 * The exporter itself is closed once, by the command, when the search ends.
 */
export function underSearchRunId(reporter: Reporter, runId: string): Reporter {
  return {
    onStart: (start) => reporter.onStart?.({ ...start, runId }),
    // Synchronous on purpose: the interval is valid only while the hook runs.
    onInterval: (update) => reporter.onInterval?.(update),
    onEnd: (result) => reporter.onEnd({ ...result, runId }),
  };
}
