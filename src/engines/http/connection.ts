import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import type { RequestPlan } from '../../scenario/plan.js';
import type { TemplateContext } from '../../scenario/template.js';
import { runChecks } from './checks.js';
import { classifyError, errorMessage } from './error-kind.js';
import { type Outcome, statusOk } from './http-sender.js';
import type { PreparedRequest } from './prepared-request.js';

const OK: Outcome = Object.freeze({ error: undefined, hasLatency: true, status: 0, message: undefined });

/** Successful outcomes with a status other than 200, made once per status rather than once per response. */
const OK_WITH_STATUS = new Map<number, Outcome>();
function okWithStatus(status: number): Outcome {
  let outcome = OK_WITH_STATUS.get(status);
  if (outcome === undefined) OK_WITH_STATUS.set(status, (outcome = Object.freeze({ ...OK, status })));
  return outcome;
}

function failure(err: unknown): Outcome {
  const kind = classifyError(err);
  return { error: kind, hasLatency: kind === 'timeout', status: 0, message: errorMessage(err) };
}

/** Who hears that an exchange ended. `endedAt` is performance.now() when the answer (or failure) arrived. */
export interface ConnectionOwner {
  completed(connection: HttpConnection, outcome: Outcome, endedAt: number): void;
}

export interface ConnectionOptions {
  origin: string;
  timeoutMs: number;
}

/**
 * One keep-alive HTTP/1.1 connection (an undici Client) that carries one exchange at a time, and is itself the
 * dispatch handler of every exchange it carries. The hot path thus makes no promise, no AbortSignal and no handler
 * object per request: the runner sets the request, dispatches, and hears back through `owner.completed`.
 * Timeouts are the client's own header/body timers. Undici's raw handler hooks are used (not the controller-based
 * ones) because they hand over raw header buffers: headers are only decoded when a check reads them.
 */
export class HttpConnection implements Dispatcher.DispatchHandler {
  /** Set by the runner for each exchange: which scope to record under, and when it was meant to start. */
  scope = 0;
  intendedAt = 0;
  /** Free for the owner's bookkeeping (e.g. the closed model's loop number). */
  slot = 0;
  private readonly client: Client;
  private request: RequestPlan | undefined;
  private status = 0;
  private rawHeaders: Buffer[] | undefined;
  private chunks: Buffer[] | undefined;
  private dispatching = false;

  constructor(
    options: ConnectionOptions,
    private readonly owner: ConnectionOwner,
  ) {
    this.client = new Client(options.origin, {
      // Never more than one exchange is outstanding: the next is dispatched from the previous one's completion.
      // At that instant undici still counts the finished exchange, and with a pipelining limit of 1 it would
      // hold the new one back a whole event-loop turn (setImmediate); a limit of 2 lets it go out at once.
      pipelining: 2,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /** Starts one exchange; the outcome arrives through the owner, never synchronously from here. */
  send(prepared: PreparedRequest, ctx: TemplateContext | undefined): void {
    const r = prepared.plan;
    this.request = r;
    this.status = 0;
    this.rawHeaders = undefined;
    this.chunks = r.needsBody ? [] : undefined;
    this.dispatching = true;
    try {
      this.client.dispatch(prepared.options(ctx), this);
    } catch (err) {
      // A template that cannot render (e.g. a missing column), reported like any failed exchange.
      this.finish({ error: 'other', hasLatency: false, status: 0, message: errorMessage(err) });
    } finally {
      this.dispatching = false;
    }
  }

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational responses come before the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    if (this.request !== undefined && this.request.checks.length > 0) this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    // Bodies nobody reads are dropped as they arrive: no copy, no decode.
    this.chunks?.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(this.judge());
  }

  onError(err: Error): void {
    this.finish(failure(err));
  }

  close(): Promise<void> {
    return this.client.destroy();
  }

  private judge(): Outcome {
    const r = this.request;
    const status = this.status;
    if (r === undefined) return OK;
    if (!statusOk(r, status)) return { error: 'status', hasLatency: true, status, message: `status ${status}` };
    if (r.checks.length > 0) {
      const body = this.chunks === undefined ? undefined : Buffer.concat(this.chunks).toString('utf8');
      const raw = this.rawHeaders;
      const failed = runChecks(r.checks, { body, header: (name) => headerValue(raw, name) });
      if (failed !== undefined) return { error: 'check', hasLatency: true, status, message: `check failed: ${failed}` };
    }
    return status === 200 ? OK : okWithStatus(status);
  }

  private finish(outcome: Outcome): void {
    const endedAt = performance.now();
    this.request = undefined;
    this.chunks = undefined;
    this.rawHeaders = undefined;
    // A failure raised inside dispatch() would otherwise re-enter the owner, which may send again at once.
    if (this.dispatching) setImmediate(() => this.owner.completed(this, outcome, endedAt));
    else this.owner.completed(this, outcome, endedAt);
  }
}

/** A header from undici's raw [name, value, …] buffers; repeated headers are joined as Node does. */
function headerValue(raw: Buffer[] | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as Buffer).toString('latin1').toLowerCase() === wanted) values.push((raw[i + 1] as Buffer).toString('latin1'));
  }
  return values.length === 0 ? undefined : values.join(', ');
}
