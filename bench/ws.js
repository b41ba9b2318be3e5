// (h) WebSocket closed-model throughput: backend-bench (`run --url ws://… --message … --connections C`, full
// accounting: HDR round trips, sessions, close codes) against a plain `ws` loop of the same concurrency
// (bench/ws-plain.js), both against the same echo server pinned to its core, tools in rotated order, medians and
// the ratio printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBounded, sleep, startPinned, tempDir, waitForPort } from './lib/proc.js';
import { CLI, GEN_CPU, ROOT, TARGET_CPU } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

const TOOLS = {
  'plain ws': {
    command: (url, c, d) => [process.execPath, [join(ROOT, 'bench', 'ws-plain.js'), url, String(c), String(d)]],
    read: ({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()),
  },
  'backend-bench': {
    command: (url, c, d, out) => [
      process.execPath,
      [CLI, 'run', '--url', url, '--message', 'ping {{seq}}', '--connections', String(c), '--duration', `${d}s`].concat(
        ['--no-default-slos', '-q', '--out', out],
      ),
    ],
    read: ({ out }) => {
      const r = JSON.parse(readFileSync(out, 'utf8'));
      return { roundTrips: r.metrics.requests - r.metrics.errors, seconds: r.durationMs / 1000 };
    },
  },
};

async function runOnce(tool, url, setup, dir, r) {
  const out = join(dir, `ws-${r}.json`);
  const [command, args] = TOOLS[tool].command(url, setup.connections, setup.seconds, out);
  const run = await runBounded(command, args, { cpus: GEN_CPU, timeoutMs: (setup.seconds + 15) * 1000 });
  let figures;
  try {
    figures = run.code === 0 ? TOOLS[tool].read({ stdout: run.stdout, out }) : undefined;
  } catch {
    figures = undefined;
  }
  const rate = figures ? figures.roundTrips / figures.seconds : NaN;
  const cpuUs = figures && run.cpuSeconds !== undefined ? (run.cpuSeconds * 1e6) / figures.roundTrips : NaN;
  return { round: r, tool, rate, cpuUsPerRoundTrip: cpuUs, exit: run.code };
}

export async function wsThroughput({ rounds, seconds, connections, port, log }) {
  const proc = startPinned(process.execPath, [join(ROOT, 'bench', 'targets', 'ws-echo-target.js'), String(port)], {
    cpus: TARGET_CPU,
  });
  const url = `ws://127.0.0.1:${port}/`;
  const dir = tempDir();
  const runs = [];
  const setup = { rounds, seconds, connections };
  try {
    await waitForPort(port);
    const names = Object.keys(TOOLS);
    for (let r = 1; r <= rounds; r++) {
      for (let i = 0; i < names.length; i++) {
        const tool = names[(i + r - 1) % names.length];
        const run = await runOnce(tool, url, setup, dir, r);
        runs.push(run);
        const shown = Number.isFinite(run.rate) ? `${round(run.rate)} round trips/s` : `failed (exit ${run.exit})`;
        log(`  ws round ${r} ${tool.padEnd(13)} ${shown}`);
        await sleep(1000);
      }
    }
  } finally {
    await proc.stop();
  }
  const tools = Object.fromEntries(
    Object.keys(TOOLS).map((tool) => {
      const rates = runs.filter((x) => x.tool === tool && Number.isFinite(x.rate)).map((x) => x.rate);
      const cpu = median(runs.filter((x) => x.tool === tool).map((x) => x.cpuUsPerRoundTrip));
      return [tool, { medianRate: median(rates), minRate: Math.min(...rates), maxRate: Math.max(...rates), cpu }];
    }),
  );
  const ratioToPlain = round(tools['backend-bench'].medianRate / tools['plain ws'].medianRate, 2);
  return { target: 'ws echo (node, ws)', ...setup, tools, ratioToPlain, runs };
}

export function formatWs(result) {
  const rows = [['tool', 'median round trips/s', 'min-max', 'CPU µs/round trip']];
  for (const [tool, t] of Object.entries(result.tools)) {
    rows.push([tool, round(t.medianRate), `${round(t.minRate)}-${round(t.maxRate)}`, round(t.cpu, 1)]);
  }
  return `${table(rows)}\nbackend-bench / plain ws = ${result.ratioToPlain}`;
}
