// (b) Open-model accuracy: the highest arrival rate at which the achieved rate is within 1 % of the target and
// the send delay p99 stays under 1 ms (no errors, no dropped starts). Short runs, rate stepped up, one worker
// thread and then several.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBounded, sleep, tempDir } from './lib/proc.js';
import { CLI } from './lib/setup.js';
import { round, table } from './lib/stats.js';

export const RATES = [
  1000, 2000, 5000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000,
];
const MAX_SEND_DELAY_P99_MS = 1;
const MAX_RATE_ERROR = 0.01;

async function step(url, rate, { seconds, workers, cpus, dir }) {
  const out = join(dir, `open-${workers}-${rate}.json`);
  const args = [
    CLI,
    'run',
    '--url',
    url,
    '--rate',
    String(rate),
    '--duration',
    `${seconds}s`,
    '--workers',
    String(workers),
    '-q',
    '--out',
    out,
  ];
  const run = await runBounded(process.execPath, args, { cpus, timeoutMs: (seconds + 15) * 1000 });
  if (run.code !== 0) return { rate, ok: false, why: `exit ${run.code}` };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const achieved = r.metrics.requests / seconds;
  const sendDelayP99Ms = r.sendDelayMs.p99;
  const reasons = [];
  if (Math.abs(achieved / rate - 1) > MAX_RATE_ERROR) reasons.push(`achieved ${round(achieved)}/s`);
  if (sendDelayP99Ms >= MAX_SEND_DELAY_P99_MS) reasons.push(`send delay p99 ${sendDelayP99Ms} ms`);
  if (r.metrics.errors > 0 || r.metrics.dropped > 0)
    reasons.push(`${r.metrics.errors} errors, ${r.metrics.dropped} dropped`);
  return {
    rate,
    ok: reasons.length === 0,
    achieved: round(achieved, 1),
    sendDelayP99Ms,
    latencyP99Ms: r.metrics.latencyMs.p99,
    saturated: r.generator.saturated,
    why: reasons.join(', '),
  };
}

/**
 * Steps the rate up until two rates in a row fail (a failed rate is tried twice: the machine is noisy).
 * Returns every step and the highest rate that passed.
 */
export async function openAccuracy(url, { seconds, workers, cpus, log }) {
  const dir = tempDir();
  const steps = [];
  let failures = 0;
  for (const rate of RATES) {
    let s = await step(url, rate, { seconds, workers, cpus, dir });
    if (!s.ok) s = await step(url, rate, { seconds, workers, cpus, dir });
    steps.push(s);
    log(`  workers ${workers} rate ${String(rate).padStart(6)}/s  ${s.ok ? 'ok' : `missed: ${s.why}`}`);
    failures = s.ok ? 0 : failures + 1;
    if (failures === 2) break;
    await sleep(500);
  }
  const passed = steps.filter((s) => s.ok).map((s) => s.rate);
  return { workers, cpus, seconds, topRate: passed.length > 0 ? Math.max(...passed) : 0, steps };
}

export function formatOpenAccuracy(result) {
  const rows = [['rate/s', 'achieved/s', 'send delay p99 ms', 'latency p99 ms', 'verdict']];
  for (const s of result.steps)
    rows.push([s.rate, s.achieved ?? '-', s.sendDelayP99Ms ?? '-', s.latencyP99Ms ?? '-', s.ok ? 'ok' : s.why]);
  return `${table(rows)}\nhighest accurate rate with ${result.workers} worker(s) on cpu ${result.cpus}: ${result.topRate}/s`;
}
