// (e) HTTP/2 closed-model throughput: h2load (nghttp2-client), backend-bench and a bare node:http2 loop
// (bench/h2-plain-loop.js, the floor any Node client stands on) against nginx serving h2 over TLS with a
// self-signed certificate, same connections × streams and duration, tools in rotated order, medians and the
// ratios printed. CPU per request is shown whole-process and net of start-up (less a 1 s baseline run of each tool). The target is pinned to its core as in (a); both generators run on one core.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { runBounded, startPinned, tempDir, waitForPort } from './lib/proc.js';
import * as lib from './lib/rounds.js';
import { GEN_CPU, ROOT, TARGET_CPU } from './lib/setup.js';
import { median, round, table } from './lib/stats.js';

const PLAIN_LOOP = join(ROOT, 'bench', 'h2-plain-loop.js');

const TOOLS = {
  h2load: {
    command: (url, c, m, d) => ['h2load', ['-c', String(c), '-m', String(m), '-t', '1', '-D', String(d), url]],
    read: ({ stdout }) => {
      const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded/.exec(stdout);
      const time = /finished in ([\d.]+)(m?s)/.exec(stdout);
      if (!done || !time) return undefined;
      return { done: Number(done[2]), seconds: Number(time[1]) / (time[2] === 'ms' ? 1000 : 1) };
    },
  },
  'backend-bench': {
    command: (url, c, m, d, out) =>
      lib.backendBenchRun(
        ['--url', url, '--http2', '--insecure', '--connections', String(c), '--streams', String(m)].concat([
          '--duration',
          `${d}s`,
          '--workers',
          '1',
        ]),
        out,
      ),
    read: ({ out }) => lib.resultFigures(out),
  },
  // Node's http2 module alone, with nothing timed, checked or recorded: the floor backend-bench builds on.
  'node:http2 loop': {
    command: (url, c, m, d) => [process.execPath, [PLAIN_LOOP, url, String(c), String(m), String(d)]],
    read: ({ stdout }) => lib.lastLineFigures(stdout, 'requests'),
  },
};

/** nginx with http2 over TLS (nginx 1.22 syntax: `listen … ssl http2`) and a certificate made here; the body from
 * the config, as for the HTTP/1.1 target (lib/proc.js). */
export async function startNginxH2(port) {
  const dir = tempDir('bb-bench-nginx-h2-');
  for (const d of ['tmp', 'logs']) mkdirSync(join(dir, d));
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
  });
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process on; worker_processes 1; pid ${dir}/logs/nginx.pid; error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; default_type application/json; keepalive_requests 1000000; keepalive_timeout 65s;
  http2_max_requests 10000000; http2_max_concurrent_streams 128;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  server { listen 127.0.0.1:${port} ssl http2; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem;
    location / { return 200 '{"hello":"w"}'; } } }
`,
  );
  const proc = startPinned('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { cpus: TARGET_CPU });
  try {
    await waitForPort(port);
  } catch (err) {
    await proc.stop();
    throw new Error(`nginx (h2) did not start: ${err.message} ${proc.stderr()}`);
  }
  return { url: `https://127.0.0.1:${port}/`, stop: () => proc.stop() };
}

async function runOnce(tool, url, setup, dir, r, seconds = setup.seconds) {
  const out = join(dir, `${tool}-${r}.json`);
  const argv = [url, setup.connections, setup.streams, seconds, out];
  const m = await lib.measure(TOOLS[tool], argv, { out, timeoutMs: (seconds + 10) * 1000 });
  const { rate: rps, cpuUsPerUnit: cpuUsPerRequest, cpuSeconds, done: requests, exit } = m;
  return { round: r, tool, rps, cpuUsPerRequest, cpuSeconds, requests, exit };
}

/**
 * CPU per request net of start-up and teardown: a run's CPU less the baseline run's (the same tool for
 * BASELINE_S), over the requests it made beyond the baseline's. Whole-process CPU per request charges backend-bench
 * ~0.4 s of start-up (Node, the CLI's modules) that h2load does not pay, and on a loaded machine, where a run makes
 * few requests, that share is large.
 */
function netCpuUsPerRequest(run, base) {
  if (base === undefined) return NaN;
  const requests = run.requests - base.requests;
  return requests > 0 ? ((run.cpuSeconds - base.cpuSeconds) * 1e6) / requests : NaN;
}
const BASELINE_S = 1;

export async function http2Throughput({ rounds, seconds, connections, streams, port, log }) {
  const target = await startNginxH2(port);
  const dir = tempDir();
  let runs;
  const baselines = {};
  const setup = { rounds, seconds, connections, streams };
  try {
    await runBounded('h2load', ['-c', '2', '-m', '10', '-D', '2', target.url], { cpus: GEN_CPU, timeoutMs: 12_000 });
    const names = Object.keys(TOOLS);
    // Runs barely longer than the baseline leave too few requests beyond it for a net figure.
    if (seconds >= 3 * BASELINE_S)
      for (const tool of names) baselines[tool] = await runOnce(tool, target.url, setup, dir, 0, BASELINE_S);
    runs = await lib.rotatedRounds(
      names,
      rounds,
      async (tool, r) => {
        const run = await runOnce(tool, target.url, setup, dir, r);
        run.netCpuUsPerRequest = netCpuUsPerRequest(run, baselines[tool]);
        log(`  h2 round ${r} ${tool.padEnd(15)} ${lib.rateOrFailure(run.rps, 'rps', run.exit)}`);
        return run;
      },
      1000,
    );
  } finally {
    await target.stop();
  }
  const tools = Object.fromEntries(
    Object.keys(TOOLS).map((tool) => {
      const mine = runs.filter((x) => x.tool === tool);
      const cpu = median(mine.map((x) => x.cpuUsPerRequest));
      const net = median(mine.map((x) => x.netCpuUsPerRequest));
      const { median: medianRps, min: minRps, max: maxRps } = lib.spread(runs, tool, 'rps');
      return [tool, { medianRps, minRps, maxRps, cpuUsPerRequest: cpu, netCpuUsPerRequest: net }];
    }),
  );
  const ratioToH2load = round(tools['backend-bench'].medianRps / tools.h2load.medianRps, 2);
  const ratioToPlainLoop = round(tools['backend-bench'].medianRps / tools['node:http2 loop'].medianRps, 2);
  const loopToH2load = round(tools['node:http2 loop'].medianRps / tools.h2load.medianRps, 2);
  const ratios = { ratioToH2load, ratioToPlainLoop, loopToH2load };
  return { target: 'nginx-h2', ...setup, tools, ...ratios, baselineSeconds: BASELINE_S, baselines, runs };
}

export function formatHttp2(result) {
  const rows = [['tool', 'median rps', 'min-max', 'CPU µs/req', 'net of start-up']];
  for (const [tool, t] of Object.entries(result.tools)) {
    const range = `${round(t.minRps)}-${round(t.maxRps)}`;
    rows.push([tool, round(t.medianRps), range, round(t.cpuUsPerRequest, 1), round(t.netCpuUsPerRequest, 1)]);
  }
  return (
    `${table(rows)}\nbackend-bench / h2load = ${result.ratioToH2load}, ` +
    `backend-bench / node:http2 loop = ${result.ratioToPlainLoop}, node:http2 loop / h2load = ${result.loopToH2load}`
  );
}
