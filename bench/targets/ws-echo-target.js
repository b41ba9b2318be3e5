// The benchmark's WebSocket target: echoes every message at once (no service time), so the ws section measures
// the generators, not the server. Usage: node ws-echo-target.js PORT
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node ws-echo-target.js PORT');
  process.exit(2);
}
const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.on('error', () => undefined);
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => wss.close(() => process.exit(0)));
