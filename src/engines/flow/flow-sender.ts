import type { Dispatcher } from 'undici';
import type { TransportPlan } from '../../scenario/transport-plan.js';
import { flowDispatcher } from './dispatcher.js';
import type { StepPlan } from '../../scenario/flow-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { classifyError, errorMessage, hasLatency } from '../http/error-kind.js';
import { type Outcome, renderHeaders, renderPath, statusOk } from '../http/http-sender.js';
import { MAX_BODY_BYTES } from '../http/response-parser.js';
import { judgeAnswer } from './capture.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

/** The error a request's one deadline aborts it with: classified as a timeout. */
const deadlineError = (timeoutMs: number): Error =>
  Object.assign(new Error(`no complete response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });

/** The body as text, or undefined when it is larger than the most kept for checks (the rest is still read). */
async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) parts.push(chunk);
    else parts.length = 0;
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(parts).toString('utf8');
}

/** One keep-alive undici pool per origin (and transport), shared by the services that live on it. */
export class PoolSet {
  private readonly pools = new Map<string, Dispatcher>();

  constructor(private readonly connections: number) {}

  get(origin: string, timeoutMs: number, transport?: TransportPlan): Dispatcher {
    const key = transport === undefined ? origin : `${origin} ${JSON.stringify(transport)}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = flowDispatcher(origin, { connections: this.connections, timeoutMs, transport });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
  }
}

/**
 * Sends a flow's steps to one service: renders the request with the iteration's variables, adds the
 * traceparent, judges status and checks, and captures variables for later steps. No scheduling, no metrics.
 * Each request has one deadline over the whole exchange, headers and body alike (undici's own headers and body
 * timeouts each restart, so together they would allow about twice the timeout).
 */
export class FlowSender {
  private readonly pool: Dispatcher;
  private readonly basePath: string;
  private readonly origin: string;

  constructor(
    pools: PoolSet,
    baseUrl: string,
    private readonly timeoutMs: number,
    transport?: TransportPlan,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.origin = url.origin;
    this.pool = pools.get(url.origin, timeoutMs, transport);
  }

  async send(
    step: StepPlan,
    ctx: TemplateContext,
    vars: Record<string, string>,
    traceparent: string,
  ): Promise<Outcome> {
    const r = step.request;
    let path: string;
    let headers: Record<string, string>;
    let body: string | undefined;
    try {
      path = this.basePath + renderPath(r, ctx);
      headers = renderHeaders(r, ctx);
      body = r.body?.render(ctx);
    } catch (err) {
      return { error: 'other', hasLatency: false, status: 0, message: errorMessage(err) };
    }
    // Ours wins over a scenario's own traceparent: the iteration's trace is what the result's exemplars name.
    headers.traceparent = traceparent;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(deadlineError(this.timeoutMs)), this.timeoutMs);
    try {
      const response = await this.pool.request({
        origin: this.origin,
        path,
        method: r.method as 'GET',
        headers,
        body,
        signal: deadline.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const status = response.statusCode;
      const text = r.needsBody ? await readCapped(response.body) : (await response.body.dump(), undefined);
      // dump() ends quietly when the deadline aborts it: the exchange still did not complete in time.
      deadline.signal.throwIfAborted();
      if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
      if (r.needsBody && text === undefined) {
        const message = `response body larger than ${MAX_BODY_BYTES} bytes: not kept for checks`;
        return { error: 'body_too_large', hasLatency: true, status, message };
      }
      return this.judge(step, status, text, response.headers, vars);
    } catch (err) {
      const cause: unknown = deadline.signal.aborted ? deadline.signal.reason : err;
      const kind = classifyError(cause);
      return { error: kind, hasLatency: hasLatency(kind), status: 0, message: errorMessage(cause) };
    } finally {
      clearTimeout(timer);
    }
  }

  private judge(
    step: StepPlan,
    status: number,
    body: string | undefined,
    headers: Record<string, string | string[] | undefined>,
    vars: Record<string, string>,
  ): Outcome {
    const view = {
      status,
      body,
      header: (name: string): string | undefined => {
        const v = headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
    };
    if (step.request.checks.length === 0 && step.captures.length === 0) return status === 200 ? OK : { ...OK, status };
    return judgeAnswer(step, view, vars);
  }
}
