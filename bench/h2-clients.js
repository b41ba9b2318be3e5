// node bench/h2-clients.js [seconds] — which HTTP/2 client costs less CPU per request: Node's http2 module or
// undici (allowH2)? Each drives 4 connections × 10 streams in a closed loop against nginx (h2 over TLS) for the
// same time, in this one process, one after the other; CPU µs per request (user + system) is what is compared,
// since it does not depend on how busy the machine is. The answer is recorded in docs/architecture.md.
import { connect, constants } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { startNginxH2 } from './h2.js';

const seconds = Number(process.argv[2] ?? 5);
const C = 4;
const M = 10;

async function measure(name, loop) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: C * M }, async (_, i) => {
      while (performance.now() < until) {
        await loop(i);
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const us = (cpu.user + cpu.system) / done;
  console.log(`${name.padEnd(12)} ${String(Math.round(done / wall)).padStart(7)} rps  ${us.toFixed(1)} CPU µs/req`);
}

const target = await startNginxH2(18193);
try {
  const sessions = Array.from({ length: C }, () => connect(target.url, { rejectUnauthorized: false }));
  await measure('node:http2', (i) => {
    return new Promise((resolve, reject) => {
      const s = sessions[i % C].request({ [constants.HTTP2_HEADER_PATH]: '/' });
      s.on('error', reject);
      s.resume();
      s.on('close', resolve);
    });
  });
  for (const s of sessions) s.close();
  const clients = Array.from(
    { length: C },
    () => new Client(target.url, { allowH2: true, pipelining: M, connect: { rejectUnauthorized: false } }),
  );
  await measure('undici h2', async (i) => {
    const r = await clients[i % C].request({ path: '/', method: 'GET' });
    await r.body.dump();
  });
  await Promise.all(clients.map((c) => c.close()));
} finally {
  await target.stop();
}
