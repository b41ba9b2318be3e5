import type { TemplateContext } from '../../scenario/template.js';
import type { Timed } from './deadline-queue.js';
import type { Outcome } from './http-sender.js';
import type { PreparedRequest } from './prepared-request.js';

/**
 * What a load model holds to send requests on: an HTTP/1.1 connection (one exchange at a time), or an HTTP/2
 * stream slot on a shared session. The load models see only this, so both protocols run under both models.
 */
export interface Channel extends Timed<Channel> {
  /** Set by the runner for each exchange: which scope to record under, and when it was meant to start. */
  scope: number;
  intendedAt: number;
  /** Free for the owner's bookkeeping (e.g. the closed model's loop number). */
  slot: number;
  readonly busy: boolean;
  /** Starts one exchange (setting its deadline first); the outcome arrives through the owner, never synchronously. */
  send(prepared: PreparedRequest, ctx: TemplateContext | undefined): void;
  /** Connects ahead of the first exchange; resolves when connected or failed. */
  preconnect(): Promise<void>;
  /** Called by the owner's sweep: an exchange past its deadline ends as a timeout. */
  expireIfDue(now: number): void;
  close(): void;
}

/** Who hears that an exchange ended. `endedAt` is performance.now() when the answer (or failure) arrived. */
export interface ChannelOwner {
  completed(channel: Channel, outcome: Outcome, endedAt: number): void;
  /** An idempotent request met a reset on a reused HTTP/1.1 connection and is sent again: the reset is counted. */
  resent?(channel: Channel, failed: Outcome): void;
}
