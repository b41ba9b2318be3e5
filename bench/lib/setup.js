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

/** What the benchmark needs; each missing piece is named (install hints follow the CI's apt list). */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) missing.push('dist/ (run npm run build)');
  if (!existsSync(AUTOCANNON)) missing.push('autocannon (npm ci)');
  if (!existsSync(NODE_TARGET)) missing.push(`${NODE_TARGET} (or set BENCH_NODE_TARGET)`);
  for (const b of ['taskset', 'wrk', 'nginx', 'h2load'])
    if (!has(b)) missing.push(`${b} (apt-get install -y ${APT_PACKAGE[b] ?? b})`);
  return missing;
}

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
