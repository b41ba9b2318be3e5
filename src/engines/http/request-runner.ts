import { idleOrTimeout } from '../engine.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { SequenceNumbers } from '../sequence.js';
import { DeadlineQueue } from './deadline-queue.js';
import { type ConnectionOwner, HttpConnection, type Origin, originOf } from './connection.js';
import type { Outcome } from './http-sender.js';
import { PreparedRequest } from './prepared-request.js';
import { WeightedPicker } from './request-picker.js';

/**
 * What a load model does with a connection once its exchange has been recorded (send again, or park it).
 * `endedAt` is when the answer arrived (performance.now()): a closed loop's next request starts then.
 */
export type AfterExchange = (connection: HttpConnection, endedAt: number) => void;

export interface RunnerOptions {
  baseUrl: string;
  feed: DataFeed | undefined;
  seq: SequenceNumbers;
  afterExchange: AfterExchange;
}

/**
 * Issues requests on behalf of a load model: picks which request (by weight), renders it only if it has
 * templates, sends it on the connection it is given, and records the outcome against the time the request was
 * *meant* to start. Connections are made here and closed by `close()`; one DeadlineQueue enforces every
 * request's timeout within about a millisecond, with no timer armed per request.
 */
export class RequestRunner implements ConnectionOwner {
  private inFlightCount = 0;
  private cut = false;
  private readonly picker: WeightedPicker;
  private readonly prepared: PreparedRequest[];
  private readonly origin: Origin;
  private readonly connections: HttpConnection[] = [];
  private readonly deadlines = new DeadlineQueue<HttpConnection>((c, now) => c.expireIfDue(now));
  private idle: (() => void) | undefined;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly sink: SampleSink,
    private readonly options: RunnerOptions,
  ) {
    const url = new URL(options.baseUrl);
    const basePath = url.pathname.replace(/\/$/, '');
    this.origin = originOf(url);
    this.prepared = plan.requests.map((r) => new PreparedRequest(r, basePath, this.origin.authority));
    this.picker = new WeightedPicker(plan.requests.map((r) => r.weight));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** A new connection (lazily: the socket connects on its first exchange). */
  connect(): HttpConnection {
    const connection = new HttpConnection(this.origin, this.plan.timeoutMs, this);
    this.connections.push(connection);
    return connection;
  }

  /** An open-model start that could not be made: counted against the request it would have been. */
  drop(): void {
    this.sink.dropped(this.picker.next());
  }

  /** Sends one request on an idle connection; latency runs from `intendedAt` (performance.now() time). */
  fire(connection: HttpConnection, intendedAt: number): void {
    const index = this.picker.next();
    const prepared = this.prepared[index] as PreparedRequest;
    // Requests without templates need no context: the sequence still advances so {{seq}} stays distinct.
    const seq = this.options.seq.next();
    const ctx: TemplateContext | undefined = prepared.isStatic ? undefined : { seq, row: this.options.feed?.next() };
    connection.scope = index;
    connection.intendedAt = intendedAt;
    this.sink.setInFlight(++this.inFlightCount);
    connection.send(prepared, ctx);
    this.deadlines.add(connection);
  }

  completed(connection: HttpConnection, outcome: Outcome, endedAt: number): void {
    this.deadlines.remove(connection);
    this.sink.setInFlight(--this.inFlightCount);
    // Requests cut short by a stop are the generator's doing, not the target's: they are not counted.
    if (this.cut) return;
    const latency = outcome.hasLatency ? endedAt - connection.intendedAt : undefined;
    this.sink.request(connection.scope, latency, outcome.error, outcome.status);
    if (outcome.error !== undefined && outcome.message !== undefined)
      this.sink.errorSample(outcome.error, outcome.message);
    if (this.inFlightCount === 0) this.idle?.();
    this.options.afterExchange(connection, endedAt);
  }

  /** Waits up to `maxMs` for in-flight requests; whatever is still running after that is cut. */
  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) await idleOrTimeout(maxMs, (wake) => (this.idle = wake));
    this.cut = true;
  }

  close(): void {
    this.cut = true;
    this.deadlines.close();
    for (const c of this.connections) c.close();
  }
}
