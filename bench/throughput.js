// (a) Closed-model throughput against wrk and autocannon: same target, connections and duration, generators on
// the same pinned core, tools in rotated order within each round, medians over the rounds, ratios printed.
import { join } from 'node:path';
import { runBounded, tempDir } from './lib/proc.js';
import * as lib from './lib/rounds.js';
import { AUTOCANNON, GEN_CPU, startTarget } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

/** Each tool: its command line, and how to read the requests it made and the seconds they took. */
const TOOLS = {
  wrk: {
    command: (url, c, d) => ['wrk', ['-t1', `-c${c}`, `-d${d}s`, '--latency', url]],
    read: ({ stdout }) => {
      const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(stdout);
      return m ? { done: Number(m[1]), seconds: Number(m[2]) / (m[3] === 'ms' ? 1000 : 1) } : undefined;
    },
  },
  autocannon: {
    command: (url, c, d) => [AUTOCANNON, ['-j', '-c', String(c), '-d', String(d), url]],
    read: ({ stdout }) => {
      const r = JSON.parse(stdout.slice(stdout.indexOf('{')));
      return { done: r.requests.total, seconds: r.duration };
    },
  },
  'backend-bench': {
    // One thread, as autocannon and wrk -t1 run: the comparison is per core.
    command: (url, c, d, out) =>
      lib.backendBenchRun(['--url', url, '--connections', String(c), '--duration', `${d}s`, '--workers', '1'], out),
    read: ({ out }) => lib.resultFigures(out, { withErrors: true }),
  },
};

async function runOnce(tool, url, c, d, dir, r) {
  const out = join(dir, `${tool}-${r}.json`);
  const m = await lib.measure(TOOLS[tool], [url, c, d, out], { out, timeoutMs: (d + 10) * 1000 });
  const { rate: rps, done: requests, cpuSeconds, cpuUsPerUnit: cpuUsPerRequest, exit } = m;
  return { round: r, tool, rps, requests, cpuSeconds, cpuUsPerRequest, exit };
}

/** All rounds against one target kind ("node" or "nginx"). */
export async function throughput(kind, { rounds, seconds, connections, port, log }) {
  const target = await startTarget(kind, port);
  const dir = tempDir();
  let runs;
  try {
    await runBounded('wrk', ['-t1', `-c${connections}`, '-d2s', target.url], { cpus: GEN_CPU, timeoutMs: 12_000 }); // warm-up
    const each = async (tool, r) => {
      const run = await runOnce(tool, target.url, connections, seconds, dir, r);
      log(`  ${kind} round ${r} ${tool.padEnd(13)} ${lib.rateOrFailure(run.rps, 'rps', run.exit)}`);
      return run;
    };
    runs = await lib.rotatedRounds(Object.keys(TOOLS), rounds, each, 1000);
  } finally {
    await target.stop();
  }
  return summarize(kind, runs, { rounds, seconds, connections });
}

function summarize(kind, runs, setup) {
  const tools = Object.fromEntries(
    Object.keys(TOOLS).map((tool) => {
      const { median: medianRps, min: minRps, max: maxRps } = lib.spread(runs, tool, 'rps');
      const cpuUsPerRequest = median(runs.filter((r) => r.tool === tool).map((r) => r.cpuUsPerRequest));
      return [tool, { medianRps, minRps, maxRps, cpuUsPerRequest }];
    }),
  );
  const bb = tools['backend-bench'].medianRps;
  return {
    target: kind,
    ...setup,
    tools,
    ratioToAutocannon: round(bb / tools.autocannon.medianRps, 2),
    ratioToWrk: round(bb / tools.wrk.medianRps, 2),
    runs,
  };
}

export function formatThroughput(result) {
  const rows = [['tool', 'median rps', 'min-max', 'CPU µs/req']];
  for (const [tool, t] of Object.entries(result.tools)) {
    rows.push([tool, round(t.medianRps), `${round(t.minRps)}-${round(t.maxRps)}`, round(t.cpuUsPerRequest, 1)]);
  }
  return `${table(rows)}\nbackend-bench / autocannon = ${result.ratioToAutocannon}, / wrk = ${result.ratioToWrk}`;
}
