// The benchmark's fixed set-up: where things are, which cores run what, and the two loopback targets.
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { has, nginxConfig, startPinned, waitForPort } from './proc.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI measured; BENCH_CLI points at another build (a checkout of main, say, for a before/after). */
export const CLI = process.env.BENCH_CLI ?? join(ROOT, 'bin', 'backend-bench.js');
export const AUTOCANNON = join(ROOT, 'node_modules', '.bin', 'autocannon');
/** The minimal Node target shipped with the benchmark (bench/targets), or BENCH_NODE_TARGET. */
export const NODE_TARGET = process.env.BENCH_NODE_TARGET ?? join(ROOT, 'bench', 'targets', 'node-target.js');

const cores = availableParallelism();
/** The target gets one core; the generators the others (on 2 cores: core 1 and core 0, as compare.sh does). */
export const TARGET_CPU = process.env.TARGET_CPU ?? String(cores - 1);
export const GEN_CPU = process.env.GEN_CPU ?? '0';
/** For --workers: every core but the target's. */
export const GEN_CPUS_ALL =
  process.env.GEN_CPUS ??
  Array.from({ length: cores }, (_, i) => String(i))
    .filter((c) => c !== TARGET_CPU)
    .join(',');
export const WORKERS = Math.max(1, GEN_CPUS_ALL.split(',').length);

export function machine() {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    targetCpu: TARGET_CPU,
    generatorCpu: GEN_CPU,
    generatorCpusForWorkers: GEN_CPUS_ALL,
  };
}

const APT_PACKAGE = { taskset: 'util-linux', h2load: 'nghttp2-client' };

/** What each section runs besides the built CLI: programs on PATH, and files (with how to get them). */
const NEEDS = {
  throughput: {
    bins: ['taskset', 'wrk', 'nginx'],
    files: [
      { path: AUTOCANNON, hint: 'autocannon (npm ci)' },
      { path: NODE_TARGET, hint: `${NODE_TARGET} (or set BENCH_NODE_TARGET)` },
    ],
  },
  open: { bins: ['taskset', 'nginx'], files: [] },
  memory: { bins: ['taskset', 'nginx'], files: [] },
  h2: { bins: ['taskset', 'nginx', 'h2load'], files: [] },
  startup: { bins: [], files: [] },
  // The brokers are the shared services; the section skips any that is not running.
  events: { bins: ['taskset'], files: [] },
  grpc: { bins: ['taskset'], files: [] },
  ws: { bins: ['taskset'], files: [] },
};

/**
 * What the selected sections need and this machine lacks; each missing piece is named (install hints follow the
 * CI's apt list). A section not selected asks for nothing: `--only h2` runs without wrk or autocannon.
 */
export function missingPrerequisites(sections = Object.keys(NEEDS), exists = existsSync, onPath = has) {
  const missing = [];
  if (!exists(join(ROOT, 'dist', 'cli.js'))) missing.push('dist/ (run npm run build)');
  const bins = new Set();
  const files = new Map();
  for (const section of sections) {
    for (const b of NEEDS[section]?.bins ?? []) bins.add(b);
    for (const f of NEEDS[section]?.files ?? []) files.set(f.path, f.hint);
  }
  for (const [path, hint] of files) if (!exists(path)) missing.push(hint);
  for (const b of bins) if (!onPath(b)) missing.push(`${b} (apt-get install -y ${APT_PACKAGE[b] ?? b})`);
  return missing;
}

/** Section names `--only` accepts. */
export const SECTIONS = Object.keys(NEEDS);

/** Starts a loopback target pinned to TARGET_CPU; returns its URL and how to stop it (its PID only). */
export async function startTarget(kind, port) {
  const proc =
    kind === 'node'
      ? startPinned(process.execPath, [NODE_TARGET, String(port)], { cpus: TARGET_CPU })
      : startPinned('nginx', nginxConfig(port).args, { cpus: TARGET_CPU });
  try {
    await waitForPort(port);
  } catch (err) {
    await proc.stop();
    throw new Error(`${kind} target did not start: ${err.message} ${proc.stderr()}`);
  }
  return { kind, url: `http://127.0.0.1:${port}/`, pid: proc.pid, stop: () => proc.stop() };
}
