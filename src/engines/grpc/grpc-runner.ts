import { performance } from 'node:perf_hooks';
import { type ErrorKind, grpcErrorKind } from '../../metrics/error-kinds.js';
import type { SampleSink } from '../../metrics/interval-recorder.js';
import type { DataFeed } from '../../scenario/data-feed.js';
import type { GrpcRequestPlan } from '../../scenario/grpc/grpc-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { idleOrTimeout } from '../engine.js';
import { runChecks } from '../http/checks.js';
import { WeightedPicker } from '../http/request-picker.js';
import type { UnitRunner } from '../units/unit-runner.js';
import type { GrpcCallResult, GrpcChannel } from './grpc-caller.js';

/** What a gRPC run records beside each call: the stream figures of streaming calls. */
export interface GrpcSink extends SampleSink {
  /** A call that received messages: time to the first from the intended start, and how many came. */
  stream(scope: number, firstMessageMs: number | undefined, messages: number): void;
}

const UNAVAILABLE = 14;

/**
 * Makes gRPC calls on behalf of a load model: picks a request by weight, renders its messages and metadata,
 * sends it on the next channel (round robin), judges its status code and checks, and records it against its
 * intended start. A status the request did not expect is an error of that status's canonical name.
 */
export class GrpcRunner implements UnitRunner {
  private inFlightCount = 0;
  private seq = 0;
  private next = 0;
  private cut = false;
  private idle: (() => void) | undefined;
  private readonly picker: WeightedPicker;

  constructor(
    private readonly requests: readonly GrpcRequestPlan[],
    private readonly channels: readonly GrpcChannel[],
    private readonly sink: GrpcSink,
    private readonly feed: DataFeed | undefined,
    private readonly timeoutMs: number,
  ) {
    this.picker = new WeightedPicker(requests.map((r) => r.weight));
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  drop(count = 1): void {
    if (count === 1) return this.sink.dropped(this.picker.next());
    this.picker.split(count).forEach((n, i) => n > 0 && this.sink.dropped(i, n));
  }

  async run(intendedAt: number): Promise<void> {
    const request = this.requests[this.picker.next()];
    const channel = this.channels[this.next++ % this.channels.length];
    if (request === undefined || channel === undefined) return;
    this.sink.setInFlight(++this.inFlightCount);
    const ctx: TemplateContext = { seq: this.seq++, row: this.feed?.next() };
    let result: GrpcCallResult | string;
    try {
      result = await channel.call(request.call.method, {
        messages: request.call.messages.map((m) => JSON.parse(m.render(ctx)) as Record<string, unknown>),
        metadata: Object.fromEntries(request.call.metadata.map(([k, v]) => [k, v.render(ctx)])),
        deadlineMs: this.timeoutMs,
        keepResponse: request.checks.length > 0,
      });
    } catch (err) {
      // Rendering or encoding failed: the tool's side, never sent.
      result = err instanceof Error ? err.message : String(err);
    }
    if (!this.cut) this.record(request, result, intendedAt);
    this.sink.setInFlight(--this.inFlightCount);
    if (this.inFlightCount === 0) this.idle?.();
  }

  private record(request: GrpcRequestPlan, result: GrpcCallResult | string, intendedAt: number): void {
    const end = performance.now();
    if (typeof result === 'string') {
      this.sink.request(request.index, undefined, 'other', 0);
      this.sink.errorSample('other', `${request.name}: ${result}`);
      return;
    }
    const { error, message } = judge(request, result);
    // UNAVAILABLE without a response is a call that never reached a server (refused, reset): no latency.
    const answered = result.code !== UNAVAILABLE || result.messages > 0;
    this.sink.request(request.index, answered ? end - intendedAt : undefined, error, result.code);
    if (result.messages > 0 && request.call.method.kind !== 'unary' && request.call.method.kind !== 'client_stream') {
      const first = result.firstMessageAt === undefined ? undefined : result.firstMessageAt - intendedAt;
      this.sink.stream(request.index, first, result.messages);
    }
    if (error !== undefined && message !== undefined) this.sink.errorSample(error, `${request.name}: ${message}`);
  }

  async drain(maxMs: number): Promise<void> {
    if (this.inFlightCount > 0) await idleOrTimeout(maxMs, (wake) => (this.idle = wake));
    this.cut = true;
  }
}

function judge(request: GrpcRequestPlan, result: GrpcCallResult): { error: ErrorKind | undefined; message?: string } {
  if (!request.call.expectCodes.has(result.code)) {
    return { error: grpcErrorKind(result.code), message: result.details ?? `status ${result.code}` };
  }
  if (request.checks.length === 0) return { error: undefined };
  const response = result.response;
  const failed = runChecks(request.checks, { body: undefined, json: response, header: () => undefined });
  return failed === undefined ? { error: undefined } : { error: 'check', message: `check failed: ${failed}` };
}
