import grpcJs from '@grpc/grpc-js';
import { grpcErrorKind } from '../../metrics/error-kinds.js';
import type { StepPlan } from '../../scenario/flow-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { GrpcChannel } from '../grpc/grpc-caller.js';
import type { Outcome } from '../http/http-sender.js';
import { judgeAnswer } from './capture.js';

const UNAVAILABLE = 14;

/**
 * Sends a flow's gRPC steps to one service: renders the call's messages and metadata with the iteration's
 * variables, passes the W3C traceparent as metadata, judges the status code and checks, and captures variables
 * from the response message. The same contract as the HTTP FlowSender, so the flow runner mixes them freely.
 */
export class GrpcStepSender {
  private readonly channel: GrpcChannel;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    const parsed = new URL(url);
    const credentials =
      parsed.protocol === 'grpcs:' ? grpcJs.credentials.createSsl() : grpcJs.credentials.createInsecure();
    this.channel = new GrpcChannel(parsed.host, credentials);
  }

  async send(
    step: StepPlan,
    ctx: TemplateContext,
    vars: Record<string, string>,
    traceparent: string,
  ): Promise<Outcome> {
    const call = step.grpc;
    if (call === undefined) return { error: 'other', hasLatency: false, status: 0, message: 'not a gRPC step' };
    let messages: Record<string, unknown>[];
    let metadata: Record<string, string>;
    try {
      messages = call.messages.map((m) => JSON.parse(m.render(ctx)) as Record<string, unknown>);
      metadata = Object.fromEntries(call.metadata.map(([k, v]) => [k, v.render(ctx)]));
    } catch (err) {
      return {
        error: 'other',
        hasLatency: false,
        status: 0,
        message: err instanceof Error ? err.message : String(err),
      };
    }
    metadata.traceparent = traceparent;
    const keep = step.request.checks.length > 0 || step.captures.length > 0;
    const result = await this.channel.call(call.method, {
      messages,
      metadata,
      deadlineMs: this.timeoutMs,
      keepResponse: keep,
    });
    const status = result.code;
    if (!call.expectCodes.has(status)) {
      const answered = status !== UNAVAILABLE || result.messages > 0;
      return {
        error: grpcErrorKind(status),
        hasLatency: answered,
        status,
        message: result.details ?? `status ${status}`,
      };
    }
    return judgeAnswer(step, { status, body: undefined, json: result.response, header: () => undefined }, vars);
  }

  close(): void {
    this.channel.close();
  }
}
