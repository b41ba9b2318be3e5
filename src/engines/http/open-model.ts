import { performance } from 'node:perf_hooks';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import { type ArrivalTarget, runArrivals } from '../arrival-loop.js';
import { ABORT_DRAIN_MS, type Engine, type RunContext, sleep } from '../engine.js';
import { valueAt } from '../schedule.js';
import { splitCount, WHOLE } from '../../scenario/shard.js';
import type { Channel } from './channel.js';
import { type RequestRunner, runnerFor } from './request-runner.js';

/** Connections opened before the clock starts: a few, plus one per this many arrivals per second. */
const PRECONNECT_MIN = 2;
const PRECONNECT_PER = 100;
const PRECONNECT_WAIT_MS = 2000;
/**
 * New connections being opened at once, at most. A start that finds no idle connection while this many are
 * still on their first exchange waits for the next connection to come free instead of opening one more.
 * Unbounded, a short lag (V8 compiling the request path in the first half-second, a GC pause) made every late
 * start open a connection, whose cost made the lag longer: at 20,000/s against nginx, ~800 connections opened in
 * the first 150 ms and 1.5 % of all starts left more than 10 ms late; with the connections there before the
 * clock, 0.1 %.
 */
const MAX_OPENING = 8;
/** A start this late (ms) means the generator is behind its schedule. */
const LATE_MS = 1;

/** What the pool needs of the request runner. */
export type PoolRunner = Pick<RequestRunner, 'inFlight' | 'connect' | 'fire' | 'drop'>;

/**
 * The connections of one open-model run: idle ones reused most-recently-idle first (which keeps few of them warm),
 * new ones opened on demand but at most MAX_OPENING at a time, and the starts that wait for one in a queue. A
 * waiting start counts as in flight (against the cap) and its latency runs from its intended start, as every
 * request's does, so a wait for a connection is never hidden.
 */
export class ConnectionPool implements ArrivalTarget {
  private readonly idle: Channel[] = [];
  private readonly fresh = new WeakSet<Channel>();
  private opening = 0;
  private readonly waiting: number[] = [];
  private head = 0;
  private runner: PoolRunner | undefined;

  attach(runner: PoolRunner, warm: readonly Channel[]): void {
    this.runner = runner;
    this.idle.push(...warm);
  }

  private get requests(): PoolRunner {
    if (this.runner === undefined) throw new RangeError('connection pool used before attach');
    return this.runner;
  }

  get inFlight(): number {
    return this.requests.inFlight + this.waiting.length - this.head;
  }

  drop(count: number): void {
    this.requests.drop(count);
  }

  start(intendedAt: number): void {
    const ready = this.idle.pop();
    if (ready !== undefined) return this.requests.fire(ready, intendedAt);
    // A start on time with no idle connection says the target's latency needs more connections: open one. A late
    // start says the generator is behind, and opening connections would put it further behind: wait for one.
    const late = performance.now() - intendedAt > LATE_MS;
    if (late && this.opening >= MAX_OPENING) return void this.waiting.push(intendedAt);
    const connection = this.requests.connect();
    this.fresh.add(connection);
    this.opening++;
    this.requests.fire(connection, intendedAt);
  }

  /** A connection's exchange is over: it takes the oldest waiting start, or rests. */
  free(connection: Channel): void {
    if (this.fresh.delete(connection)) this.opening--;
    if (this.head < this.waiting.length) {
      const intendedAt = this.waiting[this.head++] as number;
      if (this.head === this.waiting.length) this.waiting.length = this.head = 0;
      return this.requests.fire(connection, intendedAt);
    }
    this.idle.push(connection);
  }

  /** Starts that never got a connection before the run ended: starts not made, counted as dropped. */
  abandonWaiting(): void {
    const left = this.waiting.length - this.head;
    this.waiting.length = this.head = 0;
    if (left > 0) this.requests.drop(left);
  }
}

/**
 * Open model (arrival rate): requests start on schedule whatever the target does. Latency is measured from
 * the intended start, so a stalled server cannot hide its stall (no coordinated omission). When the in-flight
 * cap is reached the start is counted as dropped, never silently skipped. Connections are opened as needed
 * (at most one per request in flight, a bounded number at a time; see ConnectionPool).
 * A shard of the run starts every count-th arrival of the whole schedule, so shards interleave exactly.
 */
export class OpenModelEngine implements Engine {
  async run(plan: ExecutionPlan, context: RunContext, sink: SampleSink, signal: AbortSignal): Promise<void> {
    const { stages } = plan.load;
    const shard = context.shard ?? WHOLE;
    const maxInFlight = Math.max(1, splitCount(plan.load.maxInFlight, shard));
    const pool = new ConnectionPool();
    const runner = runnerFor(plan, sink, context, shard, (connection) => pool.free(connection));
    // Enough warm connections for the opening rate's first milliseconds; more open as the target needs them.
    const warm = Math.min(maxInFlight, PRECONNECT_MIN + Math.ceil(valueAt(stages, 0) / shard.count / PRECONNECT_PER));
    const opened = Array.from({ length: warm }, () => runner.connect());
    await Promise.race([Promise.all(opened.map((c) => c.preconnect())), sleep(PRECONNECT_WAIT_MS, signal)]);
    pool.attach(runner, opened);
    await runArrivals({ stages, shard, maxInFlight }, pool, (at) => pool.start(at), sink, signal);
    await runner.drain(signal.aborted ? ABORT_DRAIN_MS : plan.timeoutMs + 1000);
    pool.abandonWaiting();
    runner.close();
  }
}
