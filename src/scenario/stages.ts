/**
 * Load shape over time: a list of stages, each moving linearly from the previous value to its own.
 * The open model reads it as arrivals per second; the closed model as a number of connections.
 */
export interface StageSpan {
  startMs: number;
  durationMs: number;
  from: number;
  to: number;
}

export function buildStages(initial: number, stages: readonly { durationMs: number; value: number }[]): StageSpan[] {
  const spans: StageSpan[] = [];
  let startMs = 0;
  let from = initial;
  for (const s of stages) {
    spans.push({ startMs, durationMs: s.durationMs, from, to: s.value });
    startMs += s.durationMs;
    from = s.value;
  }
  return spans;
}

export function totalDurationMs(spans: readonly StageSpan[]): number {
  const last = spans[spans.length - 1];
  return last === undefined ? 0 : last.startMs + last.durationMs;
}
