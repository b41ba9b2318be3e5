// (f) Event throughput against the local brokers: for each broker, a plain-client loop of the same library
// (bench/events-plain.js) and backend-bench (`run` on a generated events scenario, `--out` JSON), both pinned to
// the generator core, at rising rates, tools in rotated order within each round. A rate counts for a tool when
// every message was published (none dropped at the window), confirmed, consumed once, none lost, and the
// generator was not saturated (send delay p99 ≤ 10 ms, event-loop delay p99 ≤ 20 ms: backend-bench's own rule).
// Each run uses its own stream/queue/subject and deletes it; nothing else on the shared brokers is touched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBounded, sleep, tempDir } from './lib/proc.js';
import { CLI, GEN_CPU, ROOT } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';
import { BROKERS, cleanupDestination, reachable } from './lib/event-brokers.js';

const PLAIN = join(ROOT, 'bench', 'events-plain.js');
const LIMITS = { sendDelayP99Ms: 10, eventLoopDelayP99Ms: 20 };

let serial = 0;
const uniqueName = (broker) => `bb-bench-${broker}-${process.pid}-${Date.now().toString(36)}-${serial++}`;

function scenarioYaml(broker, name, { rate, seconds, window, bytes, drain }) {
  return `name: bench-events-${broker.key}
events:
  broker: ${broker.scenarioUrl ?? broker.url}
  drain: ${drain}s
  cleanup: true
  queues:
    - name: q
      ${broker.destinationKey}: ${name}
      size: ${bytes}
      prefetch: ${window}
${broker.key === 'nats' ? `      options:\n        stream: ${name}\n` : ''}${broker.key === 'kafka' ? `      group: ${name}\n` : ''}load:
  rate: ${rate}
  duration: ${seconds}s
  maxInFlight: ${window}
`;
}

/** One backend-bench run: its figures from the result file, judged by the same rule as the plain client's. */
async function runTool(broker, name, setup, dir) {
  const file = join(dir, `${name}.yaml`);
  const out = join(dir, `${name}.json`);
  writeFileSync(file, scenarioYaml(broker, name, setup));
  const run = await runBounded(process.execPath, [CLI, 'run', file, '-q', '--out', out], {
    cpus: GEN_CPU,
    timeoutMs: (setup.seconds + setup.drain + 20) * 1000,
  });
  let r;
  try {
    r = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return {
      ok: false,
      why: `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${run.stderr.trim().slice(0, 200)}`,
    };
  }
  const e = r.events;
  return judge(setup, {
    published: e.attempted,
    confirmed: e.acked,
    failed: e.failed,
    dropped: e.dropped,
    consumed: e.consumed,
    duplicates: e.duplicates,
    lost: e.lost + e.undelivered,
    sendDelayP99Ms: r.generator.sendDelayP99Ms,
    eventLoopDelayP99Ms: r.generator.eventLoopDelayP99Ms,
    e2eP99Ms: e.e2eLatencyMs.p99,
    cpuSeconds: run.cpuSeconds,
  });
}

/** One plain-client run (its own process, the same core and time bound). */
async function runPlain(broker, name, setup) {
  const { rate, seconds, window, bytes, drain } = setup;
  const args = [PLAIN, broker.key, broker.url, name, rate, seconds, window, bytes, drain].map(String);
  const run = await runBounded(process.execPath, args, {
    cpus: GEN_CPU,
    timeoutMs: (seconds + drain + 40) * 1000,
  });
  let r;
  try {
    r = JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    return {
      ok: false,
      why: `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${run.stderr.trim().slice(0, 200)}`,
    };
  }
  return judge(setup, { ...r, lost: r.confirmed - r.consumed, cpuSeconds: run.cpuSeconds });
}

/**
 * `delivered`: every message published (none dropped at the window), confirmed, consumed once, none lost.
 * `ok`: delivered, and the generator was not saturated. On a machine busy with other work the second fails
 * first, so both are recorded, with the CPU each tool spent per message (start-up included).
 */
function judge({ rate, seconds }, f) {
  const total = Math.round(rate * seconds);
  const lossy = [];
  if (f.published < total || f.dropped > 0) lossy.push(`${f.published}/${total} published, ${f.dropped} dropped`);
  if (f.failed > 0 || f.confirmed < f.published) lossy.push(`${f.confirmed} confirmed, ${f.failed} failed`);
  if (f.consumed < f.confirmed || f.lost > 0) lossy.push(`${f.consumed} consumed, ${f.lost} lost`);
  if (f.duplicates > 0) lossy.push(`${f.duplicates} duplicates`);
  const late = [];
  if (f.sendDelayP99Ms > LIMITS.sendDelayP99Ms) late.push(`send delay p99 ${round(f.sendDelayP99Ms, 1)} ms`);
  if (f.eventLoopDelayP99Ms > LIMITS.eventLoopDelayP99Ms)
    late.push(`event-loop delay p99 ${round(f.eventLoopDelayP99Ms, 1)} ms`);
  const cpuUsPerMsg = f.cpuSeconds === undefined ? NaN : (f.cpuSeconds * 1e6) / Math.max(1, f.published);
  const delivered = lossy.length === 0;
  return { delivered, ok: delivered && late.length === 0, why: [...lossy, ...late].join('; '), cpuUsPerMsg, ...f };
}

const RUNNERS = { plain: runPlain, 'backend-bench': runTool };

/** One tool's climb in one round: rising rates until the first that loses or drops messages. */
async function climb(tool, broker, settings, dir, log, roundNo, baselineCpu) {
  let best = 0;
  let bestDelivered = 0;
  const steps = [];
  for (const rate of settings.rates) {
    const name = uniqueName(broker.key);
    const setup = { ...settings, rate };
    const step = await RUNNERS[tool](broker, name, setup, dir).finally(() => cleanupDestination(broker, name));
    // Net of what the same tool spends to start, connect, publish 10 messages and stop (its baseline run).
    const netCpuUsPerMsg = ((step.cpuSeconds - baselineCpu[tool]) * 1e6) / Math.max(1, step.published);
    steps.push({ rate, ...step, netCpuUsPerMsg });
    log(
      `  ${broker.key} round ${roundNo} ${tool.padEnd(13)} ${String(rate).padStart(6)}/s ` +
        `${round(step.cpuUsPerMsg, 1)} µs CPU/msg (${round(netCpuUsPerMsg, 1)} net) ${step.ok ? 'ok' : `${step.delivered ? 'delivered, but' : 'no:'} ${step.why}`}`,
    );
    await sleep(500);
    if (!step.delivered) break;
    bestDelivered = rate;
    if (steps.every((x) => x.ok)) best = rate;
  }
  return { best, bestDelivered, steps };
}

/** Each tool's CPU seconds for a run of 10 messages: start-up, connections and teardown, to net out of the rest. */
async function baselines(broker, settings, dir, log) {
  const out = {};
  for (const tool of Object.keys(RUNNERS)) {
    const name = uniqueName(broker.key);
    const step = await RUNNERS[tool](broker, name, { ...settings, rate: 10, seconds: 1 }, dir).finally(() =>
      cleanupDestination(broker, name),
    );
    out[tool] = step.cpuSeconds ?? NaN;
    log(`  ${broker.key} baseline ${tool.padEnd(13)} ${round(out[tool], 2)} CPU-s for 10 messages`);
  }
  return out;
}

/** Every reachable broker: rounds of rotated climbs; medians of each tool's highest counted rate, and the ratio. */
export async function eventThroughput(settings, log) {
  const dir = tempDir('bb-bench-events-');
  const results = [];
  for (const broker of BROKERS().filter((b) => settings.brokers.includes(b.key))) {
    const problem = await reachable(broker);
    if (problem !== undefined) {
      log(`  ${broker.key}: skipped (${problem})`);
      results.push({ broker: broker.key, skipped: problem });
      continue;
    }
    const runs = [];
    const tools = Object.keys(RUNNERS);
    const baselineCpu = await baselines(broker, settings, dir, log);
    for (let r = 1; r <= settings.rounds; r++) {
      for (let i = 0; i < tools.length; i++) {
        const tool = tools[(i + r - 1) % tools.length];
        runs.push({ round: r, tool, ...(await climb(tool, broker, settings, dir, log, r, baselineCpu)) });
      }
    }
    const med = (tool, key) => median(runs.filter((x) => x.tool === tool).map((x) => x[key]));
    const figures = (key) => ({ plain: med('plain', key), tool: med('backend-bench', key) });
    const strict = figures('best');
    const delivered = figures('bestDelivered');
    results.push({
      broker: broker.key,
      label: broker.label,
      ...strict,
      ratio: round(strict.tool / strict.plain, 2),
      delivered: { ...delivered, ratio: round(delivered.tool / delivered.plain, 2) },
      cpuUsPerMsg: atCommonRate(runs),
      e2eAt5000: e2eAtRate(runs, E2E_RATE),
      runs,
    });
  }
  return { ...settings, generatorCpu: GEN_CPU, results };
}

/**
 * At the highest rate both tools delivered in full (the same work for both): the median CPU µs per message, and
 * the median e2e p99 (from the intended send time, as both measure it).
 */
function atCommonRate(runs) {
  const deliveredAt = (tool) =>
    new Set(runs.filter((x) => x.tool === tool).flatMap((x) => x.steps.filter((s) => s.delivered).map((s) => s.rate)));
  const plain = deliveredAt('plain');
  const rate = Math.max(0, ...[...deliveredAt('backend-bench')].filter((r) => plain.has(r)));
  if (rate === 0) return undefined;
  const at = (tool, key) =>
    median(
      runs.filter((x) => x.tool === tool).flatMap((x) => x.steps.filter((s) => s.rate === rate).map((s) => s[key])),
    );
  const [p, t] = [at('plain', 'cpuUsPerMsg'), at('backend-bench', 'cpuUsPerMsg')];
  const net = { plain: at('plain', 'netCpuUsPerMsg'), tool: at('backend-bench', 'netCpuUsPerMsg') };
  const e2eP99Ms = { plain: round(at('plain', 'e2eP99Ms'), 2), tool: round(at('backend-bench', 'e2eP99Ms'), 2) };
  return {
    rate,
    plain: p,
    tool: t,
    ratio: round(t / p, 2),
    net: { ...net, ratio: round(net.tool / net.plain, 2) },
    e2eP99Ms,
  };
}

/** The issue's latency check: the open-loop e2e p99 at this rate, each tool's median over the rounds it delivered. */
const E2E_RATE = 5000;

/** Each tool's median e2e p99 at `rate` (rounds where it delivered everything), and backend-bench's excess. */
export function e2eAtRate(runs, rate) {
  const at = (tool) =>
    median(
      runs
        .filter((x) => x.tool === tool)
        .flatMap((x) => x.steps.filter((s) => s.rate === rate && s.delivered).map((s) => s.e2eP99Ms)),
    );
  const plain = at('plain');
  const tool = at('backend-bench');
  if (!Number.isFinite(plain) || !Number.isFinite(tool)) return undefined;
  return { rate, plain: round(plain, 2), tool: round(tool, 2), excessMs: round(tool - plain, 2) };
}

const ratioText = (x) => (Number.isFinite(x) ? `${x}×` : 'n/a');

export function formatEventThroughput(report) {
  const rows = [
    [
      'broker',
      'plain msg/s',
      'bb msg/s',
      'ratio',
      'delivered: plain',
      'bb',
      'ratio',
      'at rate',
      'net CPU µs/msg plain',
      'bb',
      'e2e p99 ms plain',
      'bb',
      `e2e p99 at ${E2E_RATE}/s plain`,
      'bb',
    ],
  ];
  for (const r of report.results) {
    if (r.skipped !== undefined) {
      rows.push([r.broker, 'skipped:', r.skipped, ...Array(11).fill('')]);
      continue;
    }
    const c = r.cpuUsPerMsg;
    rows.push([
      r.label,
      round(r.plain),
      round(r.tool),
      ratioText(r.ratio),
      round(r.delivered.plain),
      round(r.delivered.tool),
      ratioText(r.delivered.ratio),
      c ? c.rate : '-',
      c ? round(c.net.plain, 1) : '-',
      c ? round(c.net.tool, 1) : '-',
      c ? c.e2eP99Ms.plain : '-',
      c ? c.e2eP99Ms.tool : '-',
      r.e2eAt5000?.plain ?? '-',
      r.e2eAt5000?.tool ?? '-',
    ]);
  }
  return `${table(rows)}\nmsg/s: highest rate with all consumed, none lost, generator not saturated (median of rounds); delivered: all consumed and none lost, saturated or not`;
}
