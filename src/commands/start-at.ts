import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, RunError } from '../errors.js';

/**
 * `--start-at <ISO time>`: every shard of a split run waits for the same instant before its load begins, so
 * their windows line up (as k6-operator's starter releases every pod at once). A shard prepares first
 * (connections, demo, workers), then waits: the instant is when load starts, not when the process does.
 */

/** Later than this and the shard would start out of step with the others: refused, not started late. */
export const START_AT_LATE_MS = 10_000;
/** Further ahead than this is more likely a time-zone slip than a plan. */
export const START_AT_MAX_AHEAD_MS = 3_600_000;

/** An ISO-8601 instant with a time zone ("2026-11-30T12:00:00Z", "…+01:00"), between 10 s ago and 1 h ahead. */
export function parseStartAt(text: string, nowMs = Date.now()): Date {
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim());
  const at = Date.parse(text.trim());
  if (!zoned || Number.isNaN(at)) {
    throw new InputError(`--start-at "${text}": expected an ISO time with a zone, e.g. 2026-11-30T12:00:00Z`);
  }
  if (at < nowMs - START_AT_LATE_MS) {
    const ago = Math.round((nowMs - at) / 1000);
    throw new InputError(
      `--start-at "${text}" was ${ago} s ago: this shard would start out of step with the others (render the Job again, or pick a later time)`,
    );
  }
  if (at > nowMs + START_AT_MAX_AHEAD_MS) {
    throw new InputError(`--start-at "${text}" is more than 1 h ahead (check its time zone)`);
  }
  return new Date(at);
}

/** Waits for the instant (at once if it has passed: within the 10 s allowed); Ctrl-C stops the wait. */
export async function waitForStart(startAt: Date | undefined, signal: AbortSignal): Promise<void> {
  if (startAt === undefined) return;
  const ms = startAt.getTime() - Date.now();
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (signal.aborted) throw new RunError(`stopped while waiting for --start-at ${startAt.toISOString()}`);
    throw err;
  }
}
