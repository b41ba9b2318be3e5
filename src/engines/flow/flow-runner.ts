import { performance } from 'node:perf_hooks';
import type { FlowSink } from '../../metrics/flow-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { FlowPlan, FlowsPlan, StepPlan } from '../../scenario/flow-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { WeightedPicker } from '../http/request-picker.js';
import { sleep, idleOrTimeout } from '../engine.js';
import type { UnitRunner } from '../units/unit-runner.js';
import type { StepSender } from './flow-engine.js';
import { newSpanId, newTraceId, traceparent } from './trace-context.js';

function thinkTime([min, max]: readonly [number, number]): number {
  return min === max ? min : min + Math.random() * (max - min);
}

function hasAll(needs: readonly string[], vars: Readonly<Record<string, string>>): boolean {
  for (const name of needs) if (vars[name] === undefined) return false;
  return true;
}

/**
 * Runs flow iterations on behalf of a load model: picks a flow by weight, sends its steps in order with one
 * trace id, carries captured variables from step to step, and records steps, services and the iteration.
 * A step whose variables were never captured is skipped (and fails the iteration); the others still run.
 */
export class FlowRunner implements UnitRunner {
  private inFlightCount = 0;
  private seq = 0;
  private cut = false;
  private readonly picker: WeightedPicker;
  private idle: (() => void) | undefined;
  /** Step requests sent and not yet answered, with when their latency started. */
  private readonly pending = new Set<{ step: StepPlan; startAt: number }>();

  constructor(
    private readonly plan: FlowsPlan,
    /** By service index. */
    private readonly senders: readonly StepSender[],
    private readonly sink: FlowSink,
    private readonly feed: DataFeed | undefined,
    private readonly signal: AbortSignal,
  ) {
    this.picker = new WeightedPicker(plan.flows.map((f) => f.weight));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Open-model starts that could not be made: counted against the flows they would have been. */
  drop(count = 1): void {
    if (count === 1) return this.sink.flowDropped(this.picker.next());
    this.picker.split(count).forEach((n, i) => n > 0 && this.sink.flowDropped(i, n));
  }

  /**
   * One iteration of the next flow. Its duration runs from `intendedAt` (a performance.now() timestamp) to the
   * end of its last step, think times between steps included. With `pace` (closed model) the last step's
   * think time is waited too, after the iteration is recorded, so virtual users keep the scenario's rhythm.
   */
  async run(intendedAt: number, pace: boolean): Promise<void> {
    const flow = this.plan.flows[this.picker.next()];
    if (flow === undefined) return;
    this.sink.setInFlight(++this.inFlightCount);
    const traceId = newTraceId();
    const failed = await this.runSteps(flow, traceId, intendedAt);
    const end = performance.now();
    // An iteration cut short by a stop is the generator's doing, not the target's: it is not counted.
    if (failed !== undefined && !this.cut) this.sink.iteration(flow.index, end - intendedAt, failed, traceId);
    const last = flow.steps[flow.steps.length - 1];
    if (pace && failed !== undefined && last !== undefined && last.thinkMs[1] > 0) {
      await sleep(thinkTime(last.thinkMs), this.signal);
    }
    this.sink.setInFlight(--this.inFlightCount);
    if (this.inFlightCount === 0) this.idle?.();
  }

  /** Whether any step failed or was skipped; undefined when the run stopped before the flow finished. */
  private async runSteps(flow: FlowPlan, traceId: string, intendedAt: number): Promise<boolean | undefined> {
    const vars: Record<string, string> = Object.create(null) as Record<string, string>;
    const ctx: TemplateContext = { seq: this.seq++, row: this.feed?.next(), vars };
    let failed = false;
    let stepStart = intendedAt;
    for (let s = 0; s < flow.steps.length; s++) {
      const step = flow.steps[s] as StepPlan;
      if (this.signal.aborted || this.cut) return undefined;
      if (!hasAll(step.needs, vars)) {
        this.sink.skipped(step.index, flow.index);
        failed = true;
        continue;
      }
      const ok = await this.sendStep(step, ctx, vars, traceId, stepStart);
      if (ok === undefined) return undefined;
      failed ||= !ok;
      if (s < flow.steps.length - 1 && step.thinkMs[1] > 0) await sleep(thinkTime(step.thinkMs), this.signal);
      stepStart = performance.now();
    }
    return failed;
  }

  /** Sends one step; latency runs from `startAt`. True on success; undefined when cut by a stop. */
  private async sendStep(
    step: StepPlan,
    ctx: TemplateContext,
    vars: Record<string, string>,
    traceId: string,
    startAt: number,
  ): Promise<boolean | undefined> {
    const sender = this.senders[step.service];
    if (sender === undefined) throw new RangeError(`no sender for service ${step.service}`);
    const pending = { step, startAt };
    this.pending.add(pending);
    const outcome = await sender.send(step, ctx, vars, traceparent(traceId, newSpanId()));
    this.pending.delete(pending);
    if (this.cut) return undefined;
    const latency = outcome.hasLatency ? performance.now() - startAt : undefined;
    this.sink.step(step.index, step.service, latency, outcome.error, outcome.status);
    if (outcome.error === undefined) return true;
    if (outcome.message !== undefined) this.sink.errorSample(outcome.error, `${step.name}: ${outcome.message}`);
    return false;
  }

  /**
   * Waits up to `maxMs` for running iterations; whatever is still running after that is cut. Step requests still
   * unanswered then are counted as `unfinished`, with the time they had waited (a lower bound of their latency).
   */
  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) await idleOrTimeout(maxMs, (wake) => (this.idle = wake));
    if (this.cut) return;
    const now = performance.now();
    for (const { step, startAt } of this.pending)
      this.sink.step(step.index, step.service, now - startAt, 'unfinished', 0);
    this.cut = true;
  }
}
