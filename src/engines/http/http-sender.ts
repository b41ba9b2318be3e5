import { Pool } from 'undici';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { runChecks } from './checks.js';
import { classifyError, errorMessage } from './error-kind.js';

/**
 * What became of one request. `hasLatency` is false when no answer came at all (refused, reset, dns): such
 * failures are counted but kept out of the latency histogram; a timeout keeps its wait, so stalls show in the tail.
 */
export interface Outcome {
  error: ErrorKind | undefined;
  hasLatency: boolean;
  status: number;
  message: string | undefined;
}

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 0, message: undefined });

export function renderPath(r: RequestPlan, ctx: TemplateContext): string {
  const path = r.path.render(ctx);
  if (r.query.length === 0) return path;
  const qs = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.render(ctx))}`).join('&');
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

export function renderHeaders(r: RequestPlan, ctx: TemplateContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of r.headers) headers[k] = v.render(ctx);
  if (r.contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = r.contentType;
  return headers;
}

export function statusOk(r: RequestPlan, status: number): boolean {
  return r.expectStatus === undefined ? status >= 200 && status < 400 : r.expectStatus.has(status);
}

/**
 * Sends requests over a keep-alive undici pool to one origin. It knows nothing about scheduling or metrics:
 * it turns a request plan into an outcome.
 */
export class HttpSender {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(baseUrl: string, connections: number, private readonly timeoutMs: number) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  async send(r: RequestPlan, ctx: TemplateContext): Promise<Outcome> {
    try {
      const response = await this.pool.request({
        path: this.basePath + renderPath(r, ctx),
        method: r.method as 'GET',
        headers: renderHeaders(r, ctx),
        body: r.body?.render(ctx),
      });
      const status = response.statusCode;
      const body = r.needsBody ? await response.body.text() : (await response.body.dump(), undefined);
      if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
      if (r.checks.length > 0) {
        const failed = runChecks(r.checks, {
          body,
          header: (name) => {
            const v = response.headers[name.toLowerCase()];
            return Array.isArray(v) ? v.join(', ') : v;
          },
        });
        if (failed !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${failed}` };
      }
      return status === 200 ? OK : { ...OK, status };
    } catch (err) {
      const kind = classifyError(err);
      return { error: kind, hasLatency: kind === 'timeout', status: 0, message: errorMessage(err) };
    }
  }

  get timeout(): number {
    return this.timeoutMs;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
