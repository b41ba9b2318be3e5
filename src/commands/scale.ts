import { availableParallelism } from 'node:os';
import { InputError } from '../errors.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { parseShard, type Shard, splitCount, WHOLE } from '../scenario/shard.js';
import { type RunFlags } from './run-options.js';
import { parseStartAt } from './start-at.js';
import type { PlanSource } from './worker-protocol.js';
import { workloadOf } from '../workloads/registry.js';

/** How a run is spread: its part of a split run (--shard) and the worker threads that run that part. */
export interface RunScale {
  shard?: Shard;
  /** --workers as given; undefined lets the machine decide. */
  workers?: number;
  /** Where workers re-load the plan from (required for more than one worker). */
  source?: PlanSource;
  /** --start-at: load begins at this instant (shards of one run start together). */
  startAt?: Date;
}

/** The flags that shape a plan: what a worker needs to plan the same run again. */
const PLAN_FLAGS = [
  'url',
  'method',
  'header',
  'body',
  'message',
  'rate',
  'connections',
  'duration',
  'timeout',
  'maxInFlight',
  'slo',
  'defaultSlos',
  'insecure',
  'ca',
  'cert',
  'key',
  'http2',
  'streams',
  'proxy',
  'proto',
  'data',
] as const;
// Fails to compile when RunFlags gains a flag that workers would not receive.
const everyPlanFlag: Exclude<keyof RunFlags, (typeof PLAN_FLAGS)[number]> extends never ? true : never = true;
void everyPlanFlag;

/** --shard and --workers as given to `run`, with the plan's source for the workers. */
export function runScale(
  file: string | undefined,
  options: RunFlags & { shard?: string; workers?: string; startAt?: string },
): RunScale {
  const flags: RunFlags = {};
  for (const key of PLAN_FLAGS) if (options[key] !== undefined) Object.assign(flags, { [key]: options[key] });
  return {
    ...(options.shard !== undefined && { shard: parseShard(options.shard) }),
    ...(options.workers !== undefined && { workers: parseWorkers(options.workers) }),
    ...(options.startAt !== undefined && { startAt: parseStartAt(options.startAt) }),
    source: { file, flags },
  };
}

/** Splitting into shards divides request load; flows and event runs have their own engines and do not shard yet. */
export function checkScale(plan: ExecutionPlan, scale: RunScale): void {
  if (scale.shard !== undefined && scale.shard.count > 1 && !workloadOf(plan).splits) {
    throw new InputError(
      '--shard: only request scenarios can be split into shards for now (this one has flows or events)',
    );
  }
}

export function parseWorkers(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new InputError(
      `--workers "${text}": expected a whole number of threads, 1 or more (1 runs in the main thread)`,
    );
  }
  return n;
}

/** Loopback (or a demo we start here): the target then shares the machine, so it keeps a core for itself. */
export function isLocalTarget(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The most connections any stage asks of this shard: threads beyond that would have nothing to do. */
function peakConnections(plan: ExecutionPlan, shard: Shard): number {
  return Math.max(0, ...plan.load.stages.map((s) => splitCount(Math.round(Math.max(s.from, s.to)), shard)));
}

/**
 * How many worker threads run this shard: --workers when given, else every core (one less when the target is
 * local). Request scenarios only: flows keep their engine in the main thread, and event runs count their producer
 * threads themselves (workloads/events/run.ts). No thread is started without a connection (closed model) or a data
 * row of its own.
 */
export function workerCount(
  plan: ExecutionPlan,
  baseUrl: string,
  scale: RunScale,
  feedRows = Infinity,
  cores = availableParallelism(),
): number {
  if (!workloadOf(plan).splits) {
    if (scale.workers !== undefined && scale.workers > 1) {
      throw new InputError('--workers: flow scenarios run in one thread');
    }
    return 1;
  }
  const wanted = scale.workers ?? Math.max(1, isLocalTarget(baseUrl) ? cores - 1 : cores);
  const useful =
    plan.load.model === 'closed'
      ? Math.max(1, peakConnections(plan, scale.shard ?? WHOLE))
      : Math.min(wanted, Math.max(1, cores));
  // Each thread sends its own rows of the data file: no more threads than this shard has rows.
  return Math.max(1, Math.min(wanted, useful, feedRows));
}

/**
 * Why an open-model run uses fewer threads than --workers asked for, or undefined when it uses them all. An open
 * model thread waits for its next start by spinning on the event loop (timers are 1 ms coarse); threads that share
 * a core each spin through their time slice while the others' starts fall due, so every start is late by up to a
 * slice (the bench measured 10 ms p99 send delay at 1,000/s with 2 threads on 1 core, against 0.5 ms at 10,000/s
 * with one). So the open model never runs more threads than the CPUs this process may use (its affinity mask).
 */
export function workerShortfall(
  plan: ExecutionPlan,
  scale: RunScale,
  used: number,
  cores = availableParallelism(),
): string | undefined {
  if (plan.load.model === 'closed' || scale.workers === undefined || used >= scale.workers || used < cores)
    return undefined;
  const cpus = cores === 1 ? '1 CPU' : `${cores} CPUs`;
  return `--workers ${scale.workers}: this process may use ${cpus}, so the open model runs ${used} worker thread${used === 1 ? '' : 's'} (threads sharing a core start requests late)`;
}
