// node bench/h2-plain-loop.js URL CONNECTIONS STREAMS SECONDS — the floor for an HTTP/2 client in Node: a bare
// node:http2 closed loop (C sessions × M streams, each stream re-requesting on close, body drained and
// discarded, no timing, checks or metrics). Prints {"requests":N,"seconds":S,"loadCpuSeconds":C}, C the CPU
// (user + system) from the first connect on, start-up left out. bench/h2.js runs it beside
// h2load and backend-bench, so the tool's own cost per request can be read against Node's.
import { connect } from 'node:http2';
import { performance } from 'node:perf_hooks';

const [url, c, m, s] = process.argv.slice(2);
const C = Number(c ?? 4);
const M = Number(m ?? 10);
const until = performance.now() + Number(s ?? 5) * 1000;
const { host, pathname } = new URL(url);
const headers = Object.freeze({ ':method': 'GET', ':path': pathname, ':authority': host });
let done = 0;
let live = C * M;
const t0 = performance.now();
const cpu0 = process.cpuUsage();

function loop(session) {
  const stream = session.request(headers, { endStream: true });
  stream.on('close', () => {
    done++;
    if (performance.now() < until) loop(session);
    else if (--live === 0) finish();
  });
  stream.resume();
}

function finish() {
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ requests: done, seconds, loadCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  for (const session of sessions) session.close();
}

const sessions = Array.from({ length: C }, () => {
  const session = connect(url, { rejectUnauthorized: false });
  session.once('remoteSettings', () => {
    for (let i = 0; i < M; i++) loop(session);
  });
  return session;
});
