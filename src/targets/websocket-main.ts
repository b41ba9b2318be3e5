/**
 * Process entry of the WebSocket demo: an echo service with ~5 ms service time (src/targets/ws-echo.ts). launch.ts
 * forks it so it never shares the load generator's event loop; by hand: `node dist/targets/websocket-main.js
 * --port 8080`. Exit codes: 0 on a clean stop, 2 on bad arguments, 3 if it cannot listen.
 */
import { createServer } from 'node:http';
import { readDemoArgs, serveDemo } from './serve-demo.js';
import { attachWsEcho } from './ws-echo.js';

const LABEL = 'demo websocket';

const { port, host } = readDemoArgs(LABEL);
// A plain HTTP answer for anything but an upgrade, so a browser or curl sees what it reached.
const server = createServer((_req, res) =>
  res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket echo: connect with ws://\n'),
);
attachWsEcho(server, { serviceTimeMs: [4, 6] });
serveDemo(server, LABEL, host, port);
