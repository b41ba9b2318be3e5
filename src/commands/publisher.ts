import { performance } from 'node:perf_hooks';
import type { IntervalSnapshot } from '../metrics/interval-recorder.js';
import type { ThreadLoad } from '../metrics/thread-load.js';
import type { LiveSection } from '../reporters/section.js';
import type { ReporterSet } from '../reporters/reporter-set.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { evaluateSlos, type MetricSource, slosToAbort } from '../slo/evaluate.js';
import type { RunKit } from '../workloads/workload.js';

/**
 * The run's once-a-second publication: gathers worker threads' intervals, flushes the recorder into the
 * aggregator, hands reporters the second (request figures, the workload's live sections, SLO verdicts, the
 * generator's health) and stops the run when an abortOnFail SLO has failed.
 */
export class Publisher {
  /** The SLO whose early-abort rule stopped the run, if one did. */
  abortedBy: string | null = null;
  private readonly t0 = performance.now();
  private collecting = false;
  private ended = false;
  /** The SLO view of the last publication; made only when SLOs will read it (a percentile pass per scope). */
  private lastSource: MetricSource | undefined;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly kit: RunKit,
    private readonly load: ThreadLoad,
    private readonly reporters: ReporterSet,
  ) {}

  async tick(abort: () => void): Promise<void> {
    // Worker threads report on request; a tick that finds the last one still waiting skips its turn.
    if (this.collecting) return;
    this.collecting = true;
    await this.kit.collect?.();
    this.collecting = false;
    if (this.ended) return;
    const elapsedMs = performance.now() - this.t0;
    this.publish(elapsedMs);
    const source = this.lastSource;
    const blown = source === undefined ? undefined : slosToAbort(this.plan.slos, source, elapsedMs)[0];
    if (blown !== undefined && this.abortedBy === null) {
      this.abortedBy = blown.expr;
      abort();
    }
  }

  /** Load is over: ticks still waiting on workers publish nothing more. */
  end(): void {
    this.ended = true;
  }

  /** Milliseconds since the run's clock started. */
  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  /** The drain's second, published after load ends so the last figures reach reporters before onEnd. */
  publishLast(): void {
    this.publish(performance.now() - this.t0);
  }

  // Reporters see the raw interval synchronously (exporters keep their own totals from it), then it is reused.
  private publish(elapsedMs: number): void {
    this.lastSource = undefined;
    const { kit, plan } = this;
    kit.recorder.flush(elapsedMs, (interval) => {
      kit.aggregator.add(interval);
      const point = kit.aggregator.latest;
      if (point === undefined) return;
      this.lastSource = plan.slos.length > 0 ? kit.metricSource() : undefined;
      const { total } = kit.aggregator;
      this.reporters.interval({
        elapsedMs,
        durationMs: plan.load.durationMs,
        point,
        totalRequests: total.requests,
        totalErrors: total.errors,
        totalDropped: total.dropped,
        interval,
        verdicts: this.lastSource === undefined ? [] : evaluateSlos(plan.slos, this.lastSource),
        generator: kit.generatorSample?.() ?? this.load.sample(),
        sections: liveSections(kit, interval),
      });
    });
  }
}

function liveSections(kit: RunKit, interval: IntervalSnapshot): readonly LiveSection[] {
  const section = kit.live?.(interval);
  return section === undefined ? [] : [section];
}
