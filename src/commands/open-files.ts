import { readdirSync, readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { DEFAULT_MAX_IN_FLIGHT, type ExecutionPlan } from '../scenario/plan.js';
import { type Shard, splitCount, WHOLE } from '../scenario/shard.js';

/** Descriptors kept free beyond the connections: DNS lookups, result files, worker threads' loops, a demo target. */
const HEADROOM = 32;

/** What this process may open and has open; undefined where the OS does not say (not Linux). */
export interface OpenFiles {
  /** The soft limit (`ulimit -n`) after Node has raised it as far as it may; Infinity when unlimited. */
  limit: number;
  hard: number;
  open: number;
}

/** The "Max open files" line of /proc/self/limits: soft and hard limits. */
export function parseLimits(text: string): { soft: number; hard: number } | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (m === null) return undefined;
  const value = (v: string | undefined): number => (v === 'unlimited' ? Infinity : Number(v));
  const soft = value(m[1]);
  const hard = value(m[2]);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/** Node has no getrlimit: Linux tells through /proc; elsewhere the check is skipped, not guessed. */
export function readOpenFiles(): OpenFiles | undefined {
  try {
    const limits = parseLimits(readFileSync('/proc/self/limits', 'utf8'));
    if (limits === undefined) return undefined;
    return { limit: limits.soft, hard: limits.hard, open: readdirSync('/proc/self/fd').length };
  } catch {
    return undefined;
  }
}

/** The most connections the plan can hold open at once in this process: its share of them. */
function connectionsNeeded(plan: ExecutionPlan, shard: Shard): { count: number; what: string } | undefined {
  if (plan.events !== undefined) return undefined;
  if (plan.load.model === 'open') {
    // The default cap is a safety bound, not a request for sockets: a run that meets the limit below it is told
    // so by its local_resource count, rather than refused on a machine whose limit is the common 1024.
    if (plan.load.maxInFlight === DEFAULT_MAX_IN_FLIGHT) return undefined;
    return {
      count: splitCount(plan.load.maxInFlight, shard),
      what: `${plan.load.maxInFlight} requests in flight (maxInFlight)`,
    };
  }
  const peak = Math.max(0, ...plan.load.stages.map((s) => Math.round(Math.max(s.from, s.to))));
  return { count: splitCount(peak, shard), what: `${peak} connections` };
}

/**
 * Before any traffic: one socket per connection must fit under the open-files limit, or the run would fail
 * mid-way with EMFILE and blame nobody useful. Refused (exit 2) with how to raise the limit.
 */
export function checkOpenFiles(plan: ExecutionPlan, shard: Shard = WHOLE, files = readOpenFiles()): void {
  const need = connectionsNeeded(plan, shard);
  if (files === undefined || need === undefined) return;
  const total = need.count + files.open + HEADROOM;
  if (total <= files.limit) return;
  const raise =
    files.hard >= total
      ? `raise it with \`ulimit -n ${total}\` (the hard limit allows ${files.hard})`
      : `raise the hard limit (limits.conf nofile, systemd LimitNOFILE=, docker --ulimit nofile=${total}) then \`ulimit -n ${total}\``;
  throw new InputError(
    `${need.what} need about ${total} open files, more than the open-files limit of ${files.limit} (\`ulimit -n\`): ${raise}, or run fewer connections`,
  );
}
