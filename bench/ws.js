// (h) WebSocket closed-model throughput: backend-bench (`run --url ws://… --message … --connections C`, full
// accounting: HDR round trips, sessions, close codes) against a plain `ws` loop of the same concurrency
// (bench/ws-plain.js), both against the same echo server pinned to its core, tools in rotated order, medians and
// the ratio printed.
import { join } from 'node:path';
import { startPinned, tempDir, waitForPort } from './lib/proc.js';
import * as lib from './lib/rounds.js';
import { ROOT, TARGET_CPU } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

const TOOLS = {
  'plain ws': {
    command: (url, c, d) => [process.execPath, [join(ROOT, 'bench', 'ws-plain.js'), url, String(c), String(d)]],
    read: ({ stdout }) => lib.lastLineFigures(stdout, 'roundTrips'),
  },
  'backend-bench': {
    command: (url, c, d, out) =>
      lib.backendBenchRun(
        [
          '--url',
          url,
          '--message',
          'ping {{seq}}',
          '--connections',
          String(c),
          '--duration',
          `${d}s`,
          '--no-default-slos',
        ],
        out,
      ),
    read: ({ out }) => lib.resultFigures(out),
  },
};

async function runOnce(tool, url, setup, dir, r) {
  const out = join(dir, `ws-${r}.json`);
  const argv = [url, setup.connections, setup.seconds, out];
  const m = await lib.measure(TOOLS[tool], argv, { out, timeoutMs: (setup.seconds + 15) * 1000 });
  return { round: r, tool, rate: m.rate, cpuUsPerRoundTrip: m.cpuUsPerUnit, exit: m.exit };
}

export async function wsThroughput({ rounds, seconds, connections, port, log }) {
  const proc = startPinned(process.execPath, [join(ROOT, 'bench', 'targets', 'ws-echo-target.js'), String(port)], {
    cpus: TARGET_CPU,
  });
  const url = `ws://127.0.0.1:${port}/`;
  const dir = tempDir();
  let runs;
  const setup = { rounds, seconds, connections };
  try {
    await waitForPort(port);
    const each = async (tool, r) => {
      const run = await runOnce(tool, url, setup, dir, r);
      log(`  ws round ${r} ${tool.padEnd(13)} ${lib.rateOrFailure(run.rate, 'round trips/s', run.exit)}`);
      return run;
    };
    runs = await lib.rotatedRounds(Object.keys(TOOLS), rounds, each, 1000);
  } finally {
    await proc.stop();
  }
  const tools = Object.fromEntries(
    Object.keys(TOOLS).map((tool) => {
      const { median: medianRate, min: minRate, max: maxRate } = lib.spread(runs, tool, 'rate');
      const cpu = median(runs.filter((x) => x.tool === tool).map((x) => x.cpuUsPerRoundTrip));
      return [tool, { medianRate, minRate, maxRate, cpu }];
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
