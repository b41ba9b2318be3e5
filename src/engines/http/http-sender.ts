import type { ErrorKind } from '../../metrics/error-kinds.js';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';

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

/** Rendering a request plan and judging its status: shared by the request engines' connections and flow steps. */

/** A request with no complete response by its deadline: a timeout, its latency the time it was given. */
export function timedOutOutcome(timeoutMs: number): Outcome {
  return { error: 'timeout', hasLatency: true, status: 0, message: `no complete response within ${timeoutMs} ms` };
}

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
