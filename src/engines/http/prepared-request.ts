import type { Dispatcher } from 'undici';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { renderHeaders, renderPath } from './http-sender.js';

type Options = Dispatcher.DispatchOptions;

/** Flattens headers into undici's [name, value, name, value …] form, the one it walks without object iteration. */
function flatHeaders(headers: Readonly<Record<string, string>>): string[] {
  const flat: string[] = [];
  for (const [k, v] of Object.entries(headers)) flat.push(k, v);
  return flat;
}

function isStaticRequest(r: RequestPlan): boolean {
  return (
    r.path.isStatic &&
    r.query.every(([, v]) => v.isStatic) &&
    r.headers.every(([, v]) => v.isStatic) &&
    (r.body === undefined || r.body.isStatic)
  );
}

/**
 * A request plan turned into undici dispatch options for one origin. A request with no templates is rendered
 * once, here, and the same options object (path, flat headers, body bytes) is handed to every dispatch, so the
 * hot path renders, encodes and allocates nothing for it. A templated one renders per call.
 */
export class PreparedRequest {
  /** No template anywhere: no context (sequence number, data row) is needed to send it. */
  readonly isStatic: boolean;
  private readonly fixed: Options | undefined;

  constructor(
    readonly plan: RequestPlan,
    private readonly basePath: string,
  ) {
    this.isStatic = isStaticRequest(plan);
    this.fixed = this.isStatic ? Object.freeze(this.render({ seq: 0 }, true)) : undefined;
  }

  /** Dispatch options for one exchange; throws a TemplateError when a template cannot render (e.g. no column). */
  options(ctx: TemplateContext | undefined): Options {
    return this.fixed ?? this.render(ctx ?? { seq: 0 }, false);
  }

  private render(ctx: TemplateContext, once: boolean): Options {
    const r = this.plan;
    const text = r.body?.render(ctx);
    return {
      path: this.basePath + renderPath(r, ctx),
      method: r.method as Dispatcher.HttpMethod,
      headers: flatHeaders(renderHeaders(r, ctx)),
      // Rendered once, the body is encoded once too; undici would otherwise copy a string body on every send.
      body: text === undefined ? null : once ? Buffer.from(text) : text,
    };
  }
}
