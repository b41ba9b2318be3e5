import type { SearchSettings } from '../capacity/search.js';
import { InputError } from '../errors.js';
import { parseDuration } from '../scenario/duration.js';
import type { OutputFlags } from '../reporters/registry.js';
import type { RunFlags } from './run-options.js';

/** The flags of `capacity`, as commander hands them over. */
/** The flags of `run` that shape each step's plan as they shape a run; the search sets rate and duration. */
const STEP_RUN_FLAGS = ['url', 'method', 'header', 'body', 'timeout', 'maxInFlight', 'slo'] as const;

export interface CapacityFlags
  extends
    Pick<RunFlags, (typeof STEP_RUN_FLAGS)[number]>,
    Pick<OutputFlags, 'prometheus' | 'linger' | 'pushgateway' | 'otlp'> {
  start?: string;
  max?: string;
  precision?: string;
  stepDuration?: string;
  warmup?: string;
  maxDuration?: string;
  lagTolerance?: string;
  min?: string;
  workers?: string;
  out?: string;
  html?: string;
  quiet?: boolean;
}

export interface CapacitySettings {
  search: SearchSettings;
  stepDurationMs: number;
  warmupMs: number;
  lagTolerance: number;
  min: number | undefined;
  quiet: boolean;
}

export const CAPACITY_DEFAULTS = {
  start: 10,
  max: 100_000,
  precision: 0.05,
  stepDuration: '10s',
  warmup: '3s',
  maxDuration: '15m',
  lagTolerance: 0.02,
} as const;

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !(n > 0)) throw new InputError(`${flag} "${text}": expected a rate above 0`);
  return n;
}

function fraction(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const n = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(n > 0 && n < 1)) throw new InputError(`${flag} "${text}": expected a percentage between 0 and 100, e.g. 5%`);
  return n;
}

function duration(flag: string, text: string, min = 0): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < min) throw new InputError(`${flag} "${text}": not a duration (use e.g. 10s, 2m)`);
  return ms;
}

/** Validates the search flags; the run flags left over shape each step's plan as they shape `run`'s. */
export function parseCapacityFlags(flags: CapacityFlags): { runFlags: RunFlags; settings: CapacitySettings } {
  const { start, max, precision, stepDuration, warmup, maxDuration, lagTolerance, min, quiet } = flags;
  const runFlags: RunFlags = {};
  for (const key of STEP_RUN_FLAGS) if (flags[key] !== undefined) Object.assign(runFlags, { [key]: flags[key] });
  const search: SearchSettings = {
    start: positive('--start', start, CAPACITY_DEFAULTS.start),
    max: positive('--max', max, CAPACITY_DEFAULTS.max),
    precision: fraction('--precision', precision, CAPACITY_DEFAULTS.precision),
    factor: 2,
    maxDurationMs: duration('--max-duration', maxDuration ?? CAPACITY_DEFAULTS.maxDuration, 1000),
    minRate: 1,
  };
  if (search.start > search.max) throw new InputError(`--start ${search.start} is above --max ${search.max}`);
  return {
    runFlags,
    settings: {
      search,
      stepDurationMs: duration('--step-duration', stepDuration ?? CAPACITY_DEFAULTS.stepDuration, 1000),
      warmupMs: duration('--warmup', warmup ?? CAPACITY_DEFAULTS.warmup),
      lagTolerance: fraction('--lag-tolerance', lagTolerance, CAPACITY_DEFAULTS.lagTolerance),
      min: min === undefined ? undefined : positive('--min', min, 0),
      quiet: quiet === true,
    },
  };
}
