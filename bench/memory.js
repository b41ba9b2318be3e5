// (c) Flat memory: the generator's RSS, sampled once a second over a long open-model run at a high rate; the peak,
// and the growth after warm-up (RSS at the end minus RSS at the warm-up mark, and the fitted slope).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { sleep, tempDir } from './lib/proc.js';
import { CLI } from './lib/setup.js';
import { round, slope } from './lib/stats.js';

const WARM_UP_S = 10;

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // the process has ended
  }
}

export async function memory(url, { rate, seconds, cpus, log }) {
  const out = join(tempDir(), 'memory.json');
  const args = [
    '-c',
    cpus,
    process.execPath,
    CLI,
    'run',
    '--url',
    url,
    '--rate',
    String(rate),
    '--duration',
    `${seconds}s`,
    '--workers',
    '1',
    '-q',
    '--out',
    out,
  ];
  // taskset execs node in place, so the PID sampled is the generator's own.
  const child = spawn('taskset', args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000);
  const samples = [];
  const t0 = performance.now();
  while (child.exitCode === null && child.signalCode === null) {
    const rss = rssMiB(child.pid);
    if (rss !== undefined) samples.push([round((performance.now() - t0) / 1000, 1), round(rss, 1)]);
    if (samples.length % 10 === 0 && samples.length > 0) log(`  ${samples.at(-1)[0]} s: RSS ${samples.at(-1)[1]} MiB`);
    await Promise.race([sleep(1000), exited]);
  }
  clearTimeout(killer);
  const code = await exited;
  const after = samples.filter(([t]) => t >= WARM_UP_S);
  const atWarmUp = after[0]?.[1] ?? NaN;
  const atEnd = after.at(-1)?.[1] ?? NaN;
  let result = {};
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    result = { requests: r.metrics.requests, sendDelayP99Ms: r.sendDelayMs.p99 };
  } catch {
    // no result written: the run failed, reported by exit code
  }
  return {
    rate,
    seconds,
    exit: code,
    peakMiB: Math.max(...samples.map(([, rss]) => rss)),
    warmUpS: WARM_UP_S,
    atWarmUpMiB: atWarmUp,
    atEndMiB: atEnd,
    growthMiB: round(atEnd - atWarmUp, 1),
    slopeMiBPerMin: round(slope(after) * 60, 2),
    ...result,
    samples,
  };
}

export function formatMemory(m) {
  return (
    `rate ${m.rate}/s for ${m.seconds} s (exit ${m.exit}): peak RSS ${m.peakMiB} MiB; after ${m.warmUpS} s ${m.atWarmUpMiB} MiB, ` +
    `at the end ${m.atEndMiB} MiB (growth ${m.growthMiB} MiB, slope ${m.slopeMiBPerMin} MiB/min)`
  );
}
