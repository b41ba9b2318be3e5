// The rotated-rounds comparison every generator benchmark runs: each round runs every tool once, bounded and pinned
// to the generator core, in an order that shifts by one each round, so no tool always runs first (on a cooler
// machine) or last; the figures are medians over the rounds.
import { readFileSync } from 'node:fs';
import { runBounded, sleep } from './proc.js';
import { CLI, GEN_CPU } from './setup.js';
import { median, round } from './stats.js';

/** backend-bench as one of the compared tools: `run` with these flags, quiet, its JSON result written to `out`. */
export const backendBenchRun = (flags, out) => [process.execPath, [CLI, 'run', ...flags, '-q', '--out', out]];

/** What a backend-bench result says it did: its exchanges (less the failed ones, unless `withErrors`) and seconds. */
export function resultFigures(out, { withErrors = false } = {}) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  return { done: r.metrics.requests - (withErrors ? 0 : r.metrics.errors), seconds: r.durationMs / 1000 };
}

/** What a plain client loop printed as its last line (JSON): `key` units done in `seconds`. */
export function lastLineFigures(stdout, key) {
  const r = JSON.parse(stdout.trim().split('\n').pop());
  return { done: r[key], seconds: r.seconds };
}

/**
 * One bounded run of a tool (an entry of a bench's TOOLS map: `command(...argv)` gives [command, args],
 * `read({ stdout, out })` the `{ done, seconds }` it printed or wrote) and what it did: `done` units, the rate per
 * second and whole-process CPU µs per unit; NaN where it failed or its output was unreadable.
 */
export async function measure(tool, argv, { out, timeoutMs }) {
  const [command, args] = tool.command(...argv);
  const run = await runBounded(command, args, { cpus: GEN_CPU, timeoutMs });
  let figures;
  try {
    figures = run.code === 0 ? tool.read({ stdout: run.stdout, out }) : undefined;
  } catch {
    figures = undefined;
  }
  const done = figures ? figures.done : NaN;
  return {
    done,
    rate: figures ? done / figures.seconds : NaN,
    cpuSeconds: run.cpuSeconds,
    cpuUsPerUnit: figures && run.cpuSeconds !== undefined ? (run.cpuSeconds * 1e6) / done : NaN,
    exit: run.code,
  };
}

/**
 * `rounds` rounds of every tool in `names`, rotated by one each round. `each(tool, round)` (round from 1) runs one
 * and returns its record; the records come back in the order they ran. `pauseMs` lets the machine settle between runs.
 */
export async function rotatedRounds(names, rounds, each, pauseMs = 0) {
  const runs = [];
  for (let r = 1; r <= rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      runs.push(await each(names[(i + r - 1) % names.length], r));
      if (pauseMs > 0) await sleep(pauseMs);
    }
  }
  return runs;
}

/** The median, lowest and highest finite value of `key` over one tool's runs. */
export function spread(runs, tool, key) {
  const values = runs.filter((x) => x.tool === tool && Number.isFinite(x[key])).map((x) => x[key]);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** A run's rate for the round's log line, or why it has none. */
export const rateOrFailure = (rate, unit, exit) =>
  Number.isFinite(rate) ? `${round(rate)} ${unit}` : `failed (exit ${exit})`;
