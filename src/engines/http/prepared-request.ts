import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { renderHeaders, renderPath } from './http-sender.js';
import type { ParseOptions } from './response-parser.js';

/** Methods whose requests carry a body by convention: without one they say `content-length: 0`, as browsers do. */
const EXPECTS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Request-target bytes HTTP allows unescaped (visible ASCII and obs-text); a space or CR/LF would split the line. */
const INVALID_PATH = /[^\u0021-\u00ff]/;
const INVALID_NAME = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** CR, LF or NUL would end or corrupt the header; beyond Latin-1 it cannot be sent as the header bytes HTTP expects. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function isStaticRequest(r: RequestPlan): boolean {
  return (
    r.path.isStatic &&
    r.query.every(([, v]) => v.isStatic) &&
    r.headers.every(([, v]) => v.isStatic) &&
    (r.body === undefined || r.body.isStatic)
  );
}

/** Thrown when a rendered request cannot be put on the wire; the exchange counts as an error of kind other. */
export class RequestEncodingError extends Error {}

/**
 * A request plan encoded as the HTTP/1.1 bytes sent on a connection to one origin: request line, Host, the
 * scenario's headers, Content-Length, body, in one buffer and so one write. A request with no templates is
 * encoded once, here, and the same buffer is written every time, so the hot path renders and allocates
 * nothing for it; a templated one is rendered per call.
 */
export class PreparedRequest {
  /** No template anywhere: no context (sequence number, data row) is needed to send it. */
  readonly isStatic: boolean;
  /** What the response parser keeps for this request: made once, not per exchange. */
  readonly parseOptions: ParseOptions;
  private readonly fixed: Buffer | undefined;

  constructor(
    readonly plan: RequestPlan,
    private readonly basePath: string,
    private readonly host: string,
    /** Plain HTTP through a proxy: its Proxy-Authorization value, sent with every request. */
    private readonly proxyAuthorization?: string,
  ) {
    this.isStatic = isStaticRequest(plan);
    this.parseOptions = { head: plan.method === 'HEAD', wantHeaders: plan.checks.length > 0, wantBody: plan.needsBody };
    this.fixed = this.isStatic ? this.render({ seq: 0 }) : undefined;
  }

  /** The bytes of one exchange; throws (TemplateError, RequestEncodingError) when they cannot be made. */
  bytes(ctx: TemplateContext | undefined): Buffer {
    return this.fixed ?? this.render(ctx ?? { seq: 0 });
  }

  private render(ctx: TemplateContext): Buffer {
    const r = this.plan;
    const path = this.basePath + renderPath(r, ctx);
    if (INVALID_PATH.test(path))
      throw new RequestEncodingError(`invalid request path ${JSON.stringify(path.slice(0, 80))}`);
    const headers = renderHeaders(r, ctx);
    const text = r.body?.render(ctx);
    const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
    let head = `${r.method} ${path} HTTP/1.1\r\n`;
    if (headers.host === undefined) head += `host: ${this.host}\r\n`;
    if (this.proxyAuthorization !== undefined) head += `proxy-authorization: ${this.proxyAuthorization}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      // The body is framed here, from its bytes; a scenario's own framing headers would contradict it.
      if (name === 'content-length' || name === 'transfer-encoding') continue;
      if (INVALID_NAME.test(name) || INVALID_VALUE.test(value)) {
        throw new RequestEncodingError(`invalid header ${JSON.stringify(name)}: ${JSON.stringify(value.slice(0, 80))}`);
      }
      head += `${name}: ${value}\r\n`;
    }
    if (body !== undefined) head += `content-length: ${body.length}\r\n`;
    else if (EXPECTS_BODY.has(r.method)) head += 'content-length: 0\r\n';
    head += '\r\n';
    const headBytes = Buffer.byteLength(head, 'latin1');
    const out = Buffer.allocUnsafe(headBytes + (body?.length ?? 0));
    out.write(head, 0, 'latin1');
    body?.copy(out, headBytes);
    return out;
  }
}
