import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import type { HttpSender } from './http-sender.js';
import { WeightedPicker } from './request-picker.js';

/**
 * Issues one request at a time on behalf of a load model: picks which request (by weight), renders it,
 * and records the outcome against the time the request was *meant* to start.
 */
export class RequestRunner {
  private inFlightCount = 0;
  private seq = 0;
  private cut = false;
  private readonly picker: WeightedPicker;
  private idle: (() => void) | undefined;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly sender: HttpSender,
    private readonly sink: SampleSink,
    private readonly feed: DataFeed | undefined,
  ) {
    this.picker = new WeightedPicker(plan.requests.map((r) => r.weight));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** An open-model start that could not be made: counted against the request it would have been. */
  drop(): void {
    this.sink.dropped(this.picker.next());
  }

  /** Sends one request; latency runs from `intendedAt` (a performance.now() timestamp), not from the send. */
  async fire(intendedAt: number): Promise<void> {
    const index = this.picker.next();
    const request = this.plan.requests[index];
    if (request === undefined) return;
    const ctx = { seq: this.seq++, row: this.feed?.next() };
    this.sink.setInFlight(++this.inFlightCount);
    const outcome = await this.sender.send(request, ctx);
    this.sink.setInFlight(--this.inFlightCount);
    // Requests cut short by a stop are the generator's doing, not the target's: they are not counted.
    if (!this.cut) {
      const latency = outcome.hasLatency ? performance.now() - intendedAt : undefined;
      this.sink.request(index, latency, outcome.error);
      if (outcome.error !== undefined && outcome.message !== undefined) this.sink.errorSample(outcome.error, outcome.message);
    }
    if (this.inFlightCount === 0) this.idle?.();
  }

  /** Waits up to `maxMs` for in-flight requests; whatever is still running after that is cut. */
  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.cut = true;
  }
}
