// (g) gRPC unary closed-model throughput: backend-bench against a plain @grpc/grpc-js client loop of the same
// concurrency (bench/grpc-plain.js), same target (bench/targets/grpc-target.js, pinned to its core), same time,
// in rotated order; medians, CPU per call and the ratio printed. The tool keeps its full accounting on.
import { join } from 'node:path';
import { startPinned, tempDir, waitForPort } from './lib/proc.js';
import * as lib from './lib/rounds.js';
import { ROOT, TARGET_CPU } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

const PROTO = join(ROOT, 'scenarios', 'protos', 'shop.proto');

const TOOLS = {
  'plain grpc-js': {
    command: (port, c, d) => [process.execPath, [join(ROOT, 'bench', 'grpc-plain.js'), `127.0.0.1:${port}`, c, d]],
    read: ({ stdout }) => lib.lastLineFigures(stdout, 'calls'),
  },
  'backend-bench': {
    command: (port, c, d, out) =>
      lib.backendBenchRun(
        [
          '--url',
          `grpc://127.0.0.1:${port}/shop.Inventory/GetItem`,
          '--proto',
          PROTO,
          '--data',
          '{"sku":"sku-1"}',
        ].concat(['--connections', String(c), '--duration', `${d}s`, '--no-default-slos']),
        out,
      ),
    read: ({ out }) => lib.resultFigures(out),
  },
};

async function once(tool, port, c, d, dir, roundNo) {
  const out = join(dir, `${tool.replace(/\W/g, '-')}-${roundNo}.json`);
  const m = await lib.measure(TOOLS[tool], [port, c, d, out], { out, timeoutMs: (d + 15) * 1000 });
  return { round: roundNo, tool, rate: m.rate, calls: m.done, cpuUsPerCall: m.cpuUsPerUnit, exit: m.exit };
}

/** Rotated rounds of both tools against one pinned gRPC target. */
export async function grpcThroughput({ rounds, seconds, connections, port, log }) {
  const target = startPinned(process.execPath, [join(ROOT, 'bench', 'targets', 'grpc-target.js'), String(port)], {
    cpus: TARGET_CPU,
  });
  await waitForPort(port);
  const dir = tempDir('bb-bench-grpc-');
  const names = Object.keys(TOOLS);
  let runs;
  try {
    runs = await lib.rotatedRounds(names, rounds, async (tool, r) => {
      const run = await once(tool, port, connections, seconds, dir, r);
      log(
        `  round ${r} ${tool.padEnd(14)} ${lib.rateOrFailure(run.rate, 'calls/s', run.exit)}  ${round(run.cpuUsPerCall, 1)} µs CPU/call`,
      );
      return run;
    });
  } finally {
    await target.stop();
  }
  const summary = Object.fromEntries(
    names.map((tool) => {
      const mine = runs.filter((r) => r.tool === tool && Number.isFinite(r.rate));
      return [
        tool,
        { rate: lib.spread(runs, tool, 'rate').median, cpuUsPerCall: median(mine.map((r) => r.cpuUsPerCall)) },
      ];
    }),
  );
  const ratio = summary['backend-bench'].rate / summary['plain grpc-js'].rate;
  return { settings: { rounds, seconds, connections }, runs, summary, ratio };
}

export function formatGrpc(result) {
  const rows = Object.entries(result.summary).map(([tool, s]) => [tool, round(s.rate), round(s.cpuUsPerCall, 1)]);
  return `${table([['tool', 'calls/s (median)', 'µs CPU/call'], ...rows])}\nbackend-bench / plain grpc-js: ${round(result.ratio, 2)}×`;
}
