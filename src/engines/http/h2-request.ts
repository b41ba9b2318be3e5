import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { encodeHeaderBlock } from './hpack.js';
import { renderHeaders, renderPath } from './http-sender.js';
import { RequestEncodingError } from './prepared-request.js';

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); the body is framed by DATA frames. */
const DROPPED = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** As on HTTP/1.1 (prepared-request.ts): what cannot be put on the wire is refused before it is sent. */
const INVALID_PATH = /[^\u0021-\u00ff]/;
const INVALID_NAME = /[^!#$%&'*+\-.^_`|~0-9a-z]/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export interface H2Request {
  /** The HPACK header block (stateless encoding, so the same bytes serve every connection). */
  block: Buffer;
  body: Buffer | undefined;
}

/**
 * A request plan as an HTTP/2 header block and body. A request without templates is encoded once and its bytes
 * reused, as the HTTP/1.1 path reuses its request bytes; a templated one is encoded per send.
 */
export class H2RequestEncoder {
  private readonly fixed = new Map<number, H2Request>();

  constructor(
    private readonly basePath: string,
    private readonly authority: string,
    private readonly scheme: 'http' | 'https',
  ) {}

  /** Throws (TemplateError, RequestEncodingError) when the request cannot be made. */
  encode(plan: RequestPlan, isStatic: boolean, ctx: TemplateContext | undefined): H2Request {
    if (!isStatic) return this.render(plan, ctx ?? { seq: 0 });
    let request = this.fixed.get(plan.index);
    if (request === undefined) this.fixed.set(plan.index, (request = this.render(plan, { seq: 0 })));
    return request;
  }

  private render(plan: RequestPlan, ctx: TemplateContext): H2Request {
    const path = this.basePath + renderPath(plan, ctx);
    if (INVALID_PATH.test(path))
      throw new RequestEncodingError(`invalid request path ${JSON.stringify(path.slice(0, 80))}`);
    let authority = this.authority;
    const fields: [string, string][] = [];
    for (const [raw, value] of Object.entries(renderHeaders(plan, ctx))) {
      // HTTP/2 field names are lower case (RFC 9113 §8.2.1).
      const name = raw.toLowerCase();
      if (name === 'host') authority = value;
      if (DROPPED.has(name) || name === 'content-length') continue;
      if (INVALID_NAME.test(name) || INVALID_VALUE.test(value)) {
        throw new RequestEncodingError(`invalid header ${JSON.stringify(name)}: ${JSON.stringify(value.slice(0, 80))}`);
      }
      fields.push([name, value]);
    }
    if (INVALID_VALUE.test(authority)) throw new RequestEncodingError(`invalid host ${JSON.stringify(authority)}`);
    const text = plan.body?.render(ctx);
    const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
    if (body !== undefined) fields.push(['content-length', String(body.length)]);
    const pseudo: [string, string][] = [
      [':method', plan.method],
      [':scheme', this.scheme],
      [':authority', authority],
      [':path', path],
    ];
    return { block: encodeHeaderBlock([...pseudo, ...fields]), body };
  }
}
