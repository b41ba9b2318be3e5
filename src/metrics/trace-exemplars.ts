/** A flow iteration worth opening in a tracing UI (Jaeger, Tempo): its W3C trace id and what it did. */
export interface TraceExemplar {
  traceId: string;
  flow: string;
  durationMs: number;
  failed: boolean;
}

interface Kept {
  traceId: string;
  flow: number;
  durationMs: number;
  failed: boolean;
}

export const EXEMPLAR_LIMIT = 10;

/**
 * Keeps the slowest iterations and the first failed ones, bounded. An offer allocates only when it is kept,
 * which after the first few iterations is rare: the hot path stays a comparison.
 */
export class TraceExemplars {
  private readonly slowest: Kept[] = [];
  private readonly failed: Kept[] = [];
  /** The shortest kept duration once the list is full; below it nothing is kept. */
  private floor = -Infinity;

  constructor(private readonly limit = EXEMPLAR_LIMIT) {}

  offer(traceId: string, flow: number, durationMs: number, failed: boolean): void {
    if (failed && this.failed.length < this.limit) this.failed.push({ traceId, flow, durationMs, failed });
    if (durationMs <= this.floor) return;
    this.keepSlow({ traceId, flow, durationMs, failed });
  }

  private keepSlow(e: Kept): void {
    this.slowest.push(e);
    this.slowest.sort((a, b) => b.durationMs - a.durationMs);
    if (this.slowest.length > this.limit) this.slowest.length = this.limit;
    if (this.slowest.length === this.limit) this.floor = this.slowest[this.limit - 1]?.durationMs ?? -Infinity;
  }

  addFrom(other: TraceExemplars): void {
    for (const e of other.failed) if (this.failed.length < this.limit) this.failed.push(e);
    for (const e of other.slowest) if (e.durationMs > this.floor) this.keepSlow(e);
  }

  reset(): void {
    this.slowest.length = 0;
    this.failed.length = 0;
    this.floor = -Infinity;
  }

  /** Flow indices resolved to names, durations rounded to 0.1 ms. */
  list(flowNames: readonly string[]): { slowest: TraceExemplar[]; failed: TraceExemplar[] } {
    const out = (e: Kept): TraceExemplar => ({
      traceId: e.traceId,
      flow: flowNames[e.flow] ?? String(e.flow),
      durationMs: Math.round(e.durationMs * 10) / 10,
      failed: e.failed,
    });
    return { slowest: this.slowest.map(out), failed: this.failed.map(out) };
  }
}
