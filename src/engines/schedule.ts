import type { Shard } from '../scenario/shard.js';
import type { StageSpan } from '../scenario/stages.js';

/** The scheduled value at time t (ms since start); 0 after the last stage. */
export function valueAt(spans: readonly StageSpan[], tMs: number): number {
  for (const s of spans) {
    if (tMs < s.startMs + s.durationMs) {
      const f = s.durationMs > 0 ? (tMs - s.startMs) / s.durationMs : 1;
      return s.from + (s.to - s.from) * Math.max(0, f);
    }
  }
  return 0;
}

/** Arrivals (the integral of the rate) within one span, from its start to `tauS` seconds in. */
function arrivalsWithin(s: StageSpan, tauS: number): number {
  const d = s.durationMs / 1000;
  return s.from * tauS + (d > 0 ? ((s.to - s.from) * tauS * tauS) / (2 * d) : 0);
}

/**
 * Intended start times of open-model arrivals. Arrival k starts when the integral of the rate reaches k,
 * so a ramp from 0 to 100/s over 10 s starts exactly 500 requests, none of them on a timer's whim.
 */
export class ArrivalSchedule {
  private readonly cumulative: number[] = [];

  constructor(private readonly spans: readonly StageSpan[]) {
    let total = 0;
    for (const s of spans) {
      this.cumulative.push(total);
      total += arrivalsWithin(s, s.durationMs / 1000);
    }
    this.total = total;
  }

  /** Expected arrivals over the whole schedule (fractional). */
  readonly total: number;

  /** When the last span ends (ms since start): no arrival is due after it. */
  get endMs(): number {
    const last = this.spans[this.spans.length - 1];
    return last === undefined ? 0 : last.startMs + last.durationMs;
  }

  /**
   * How many arrivals of the whole schedule are due strictly before `tMs`, by arithmetic on the integral of the
   * rate: a generator that has fallen behind by millions of starts counts them in O(1), not one at a time.
   */
  countBefore(tMs: number): number {
    let integral = 0;
    for (let i = 0; i < this.spans.length; i++) {
      const s = this.spans[i] as StageSpan;
      const before = this.cumulative[i] as number;
      if (tMs < s.startMs + s.durationMs) {
        integral = before + arrivalsWithin(s, Math.max(0, tMs - s.startMs) / 1000);
        return Math.min(Math.ceil(integral), Math.ceil(this.total));
      }
    }
    return Math.ceil(this.total);
  }

  /**
   * Of the arrivals this shard starts (see wholeArrival), how many lie before `tMs` and at or after its k-th:
   * the starts a generator skips at once when it is at its in-flight cap or past the end of the schedule.
   */
  overdue(k: number, tMs: number, shard: Shard): number {
    const whole = this.countBefore(tMs);
    return Math.max(0, Math.ceil((whole - shard.index) / shard.count) - k);
  }

  /** When arrival k (0-based) is due, in ms since start, or undefined when the schedule has ended. */
  timeOf(k: number): number | undefined {
    for (let i = 0; i < this.spans.length; i++) {
      const s = this.spans[i] as StageSpan;
      const before = this.cumulative[i] as number;
      const within = arrivalsWithin(s, s.durationMs / 1000);
      if (k < before + within) return s.startMs + this.solve(s, k - before) * 1000;
    }
    return undefined;
  }

  /** Seconds into span s at which `count` arrivals have accumulated: root of a·τ² + b·τ − count = 0. */
  private solve(s: StageSpan, count: number): number {
    const d = s.durationMs / 1000;
    const a = d > 0 ? (s.to - s.from) / (2 * d) : 0;
    const b = s.from;
    if (count <= 0) return 0;
    if (a === 0) return count / b;
    // The rationalised root avoids cancellation when a is tiny or negative (ramping down).
    return (2 * count) / (b + Math.sqrt(b * b + 4 * a * count));
  }
}
