// The plain peer of the ws section: C sessions on `ws`, each sending a message and awaiting its echo, again and
// again for S seconds; prints {"roundTrips": n, "seconds": s}. No accounting beyond a counter: what a hand-written
// loop costs. Usage: node ws-plain.js URL CONNECTIONS SECONDS
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, c, s] = process.argv.slice(2);
const connections = Number(c);
const until = performance.now() + Number(s) * 1000;
let roundTrips = 0;
let seq = 0;

function session() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const next = () => {
      if (performance.now() >= until) return socket.close(1000);
      socket.send(`ping ${seq++}`);
    };
    socket.on('open', next);
    socket.on('message', () => {
      roundTrips++;
      next();
    });
    socket.on('close', resolve);
    socket.on('error', reject);
  });
}

const t0 = performance.now();
await Promise.all(Array.from({ length: connections }, session));
console.log(JSON.stringify({ roundTrips, seconds: (performance.now() - t0) / 1000 }));
