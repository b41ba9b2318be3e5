import { Pool } from 'undici';
import type { StepPlan } from '../../scenario/flow-plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { runChecks } from '../http/checks.js';
import { classifyError, errorMessage } from '../http/error-kind.js';
import { type Outcome, renderHeaders, renderPath, statusOk } from '../http/http-sender.js';
import { applyCaptures } from './capture.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 200, message: undefined });

/** One keep-alive undici pool per origin, shared by the services that live on it. */
export class PoolSet {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connections: number) {}

  get(origin: string, timeoutMs: number): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.connections,
        pipelining: 1,
        connectTimeout: timeoutMs,
        keepAliveTimeout: 30_000,
      });
      this.pools.set(origin, pool);
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
 */
export class FlowSender {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    pools: PoolSet,
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = pools.get(url.origin, timeoutMs);
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
    try {
      const response = await this.pool.request({
        path,
        method: r.method as 'GET',
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const status = response.statusCode;
      const text = r.needsBody ? await response.body.text() : (await response.body.dump(), undefined);
      if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
      const view = {
        status,
        body: text,
        header: (name: string): string | undefined => {
          const v = response.headers[name.toLowerCase()];
          return Array.isArray(v) ? v.join(', ') : v;
        },
      };
      const failed = r.checks.length > 0 ? runChecks(r.checks, view) : undefined;
      if (failed !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${failed}` };
      const missing = step.captures.length > 0 ? applyCaptures(step.captures, view, vars) : undefined;
      if (missing !== undefined) return { error: 'check', hasLatency: true, status, message: missing };
      return status === 200 ? OK : { ...OK, status };
    } catch (err) {
      const kind = classifyError(err);
      return { error: kind, hasLatency: kind === 'timeout', status: 0, message: errorMessage(err) };
    }
  }
}
