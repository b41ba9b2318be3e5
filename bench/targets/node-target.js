// The benchmark's Node target: the smallest useful keep-alive HTTP/1.1 server (200, a 13-byte JSON body), so the
// closed-model section measures generators against Node's own HTTP stack. Usage: node node-target.js PORT
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node node-target.js PORT');
  process.exit(2);
}
const payload = Buffer.from(JSON.stringify({ bench: 1 }).padEnd(13, ' '));
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
});
// Longer than any bench run, so no generator pays for a reconnect mid-round.
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1', () => console.log(`bench node target on 127.0.0.1:${port} (pid ${process.pid})`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
