import type { OutgoingHttpHeaders } from 'node:http2';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { renderHeaders, renderPath } from './http-sender.js';

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); the body is framed by DATA frames. */
const DROPPED = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface H2Request {
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
}

/**
 * A request plan as an HTTP/2 header block and body. A request without templates is made once and reused,
 * as the HTTP/1.1 path reuses its bytes; a templated one is rendered per send.
 */
export class H2RequestEncoder {
  private readonly fixed = new Map<number, H2Request>();

  constructor(
    private readonly basePath: string,
    private readonly authority: string,
    private readonly scheme: 'http' | 'https',
  ) {}

  encode(plan: RequestPlan, isStatic: boolean, ctx: TemplateContext | undefined): H2Request {
    if (!isStatic) return this.render(plan, ctx ?? { seq: 0 });
    let request = this.fixed.get(plan.index);
    if (request === undefined) this.fixed.set(plan.index, (request = this.render(plan, { seq: 0 })));
    return request;
  }

  private render(plan: RequestPlan, ctx: TemplateContext): H2Request {
    const headers: OutgoingHttpHeaders = {
      ':method': plan.method,
      ':path': this.basePath + renderPath(plan, ctx),
      ':scheme': this.scheme,
      ':authority': this.authority,
    };
    for (const [name, value] of Object.entries(renderHeaders(plan, ctx))) {
      if (name === 'host') headers[':authority'] = value;
      else if (!DROPPED.has(name) && name !== 'content-length') headers[name] = value;
    }
    const text = plan.body?.render(ctx);
    const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
    if (body !== undefined) headers['content-length'] = body.length;
    return { headers, body };
  }
}
