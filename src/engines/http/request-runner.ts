import { performance } from 'node:perf_hooks';
import { idleOrTimeout, type RunContext } from '../engine.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { ExecutionPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import type { Shard } from '../../scenario/shard.js';
import { SequenceNumbers } from '../sequence.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { Channel, ChannelOwner } from './channel.js';
import { ChannelFactory } from './channel-factory.js';
import type { ConnectionFigures } from './connect-stats.js';
import type { ResolvedTransport } from './dial.js';
import type { Outcome } from './http-sender.js';
import type { PreparedRequest } from './prepared-request.js';
import { WeightedPicker } from './request-picker.js';

/**
 * What a load model does with a connection once its exchange has been recorded (send again, or park it).
 * `endedAt` is when the answer arrived (performance.now()): a closed loop's next request starts then.
 */
export type AfterExchange = (connection: Channel, endedAt: number) => void;

export interface RunnerOptions {
  baseUrl: string;
  feed: DataFeed | undefined;
  seq: SequenceNumbers;
  afterExchange: AfterExchange;
  /** TLS, proxy and the protocol settled before load; absent: HTTP/1.1 with the plan's transport. */
  transport?: ResolvedTransport;
  /** Hears how the connections were made, once the runner closes. */
  onConnections?: (figures: ConnectionFigures) => void;
}

/**
 * Issues requests on behalf of a load model: picks which request (by weight), renders it only if it has
 * templates, sends it on the connection it is given, and records the outcome against the time the request was
 * *meant* to start. Connections are made here and closed by `close()`; one DeadlineQueue enforces every
 * request's timeout within about a millisecond, with no timer armed per request.
 */
export class RequestRunner implements ChannelOwner {
  private inFlightCount = 0;
  private cut = false;
  private readonly picker: WeightedPicker;
  private readonly prepared: readonly PreparedRequest[];
  private readonly factory: ChannelFactory;
  private readonly connections: Channel[] = [];
  private readonly deadlines = new DeadlineQueue<Channel>((c, now) => c.expireIfDue(now));
  private idle: (() => void) | undefined;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly sink: SampleSink,
    private readonly options: RunnerOptions,
  ) {
    this.factory = new ChannelFactory(plan, options.baseUrl, options.transport);
    this.prepared = this.factory.prepared;
    this.picker = new WeightedPicker(plan.requests.map((r) => r.weight));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Closed model: loops per connection (HTTP/2 streams); 1 over HTTP/1.1. */
  get streams(): number {
    return this.factory.streams;
  }

  /** A new connection, or HTTP/2 stream slot (lazily: it connects on its first exchange). */
  connect(): Channel {
    const connection = this.factory.connect(this);
    this.connections.push(connection);
    return connection;
  }

  /** Open-model starts that could not be made: counted against the requests they would have been. */
  drop(count = 1): void {
    if (count === 1) return this.sink.dropped(this.picker.next());
    this.picker.split(count).forEach((n, i) => n > 0 && this.sink.dropped(i, n));
  }

  /** Sends one request on an idle connection; latency runs from `intendedAt` (performance.now() time). */
  fire(connection: Channel, intendedAt: number): void {
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

  completed(connection: Channel, outcome: Outcome, endedAt: number): void {
    this.deadlines.remove(connection);
    this.sink.setInFlight(--this.inFlightCount);
    // Requests cut short by a stop are the generator's doing, not the target's: they are not counted.
    if (this.cut) return;
    const latency = outcome.hasLatency ? endedAt - connection.intendedAt : undefined;
    this.sink.request(connection.scope, latency, outcome.error, outcome.status);
    if (outcome.error !== undefined && outcome.message !== undefined)
      this.sink.errorSample(outcome.error, outcome.message);
    // The load model may hand the connection its next request (a closed loop, an open start waiting for a
    // connection): only when it did not is the runner idle.
    this.options.afterExchange(connection, endedAt);
    if (this.inFlightCount === 0) this.idle?.();
  }

  /** The reset attempt of a request sent again counts as a failed request of its own; the resend is another. */
  resent(connection: Channel, failed: Outcome): void {
    if (this.cut) return;
    this.sink.request(connection.scope, undefined, failed.error, failed.status);
    if (failed.error !== undefined && failed.message !== undefined)
      this.sink.errorSample(failed.error, `${failed.message} (on a reused connection; sent again)`);
  }

  /** Waits up to `maxMs` for in-flight requests; whatever is still running after that is cut, as `unfinished`. */
  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) await idleOrTimeout(maxMs, (wake) => (this.idle = wake));
    this.recordUnfinished(performance.now());
    this.cut = true;
  }

  /** Requests still unanswered when the drain gives up: counted, with the time they had waited (a lower bound). */
  private recordUnfinished(now: number): void {
    if (this.cut) return;
    for (const c of this.connections) if (c.busy) this.sink.request(c.scope, now - c.intendedAt, 'unfinished', 0);
  }

  close(): void {
    this.cut = true;
    this.deadlines.close();
    for (const c of this.connections) c.close();
    this.factory.close();
    this.options.onConnections?.(this.factory.figures());
  }
}

/** The runner a load model uses for its shard of a run: the context's target, rows and transport, the shard's {{seq}}. */
export function runnerFor(
  plan: ExecutionPlan,
  sink: SampleSink,
  context: RunContext,
  shard: Shard,
  afterExchange: AfterExchange,
): RequestRunner {
  return new RequestRunner(plan, sink, {
    baseUrl: context.baseUrl,
    feed: context.feed,
    seq: new SequenceNumbers(shard.index, shard.count),
    transport: context.transport,
    onConnections: context.onConnections,
    afterExchange,
  });
}
