import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';

/**
 * The demo WebSocket service: echoes each message after a small service time. A JSON message `{"say": x}` is
 * answered `{"echo": x, "at": <ms>}`, anything else is sent back as it came. Counts sessions and messages so
 * tests can compare the tool's figures with what the server saw; `dropAfter` closes each session (1011) after
 * that many messages, to test sessions the server ends.
 */
export interface WsEchoOptions {
  serviceTimeMs: readonly [number, number];
  dropAfter?: number;
}

export interface WsEchoStats {
  sessions: number;
  messages: number;
  dropped: number;
}

function reply(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && 'say' in value) {
      return JSON.stringify({ echo: (value as { say: unknown }).say, at: Date.now() });
    }
  } catch {
    // not JSON: echoed as is
  }
  return text;
}

export function attachWsEcho(server: Server, options: WsEchoOptions): WsEchoStats {
  const stats: WsEchoStats = { sessions: 0, messages: 0, dropped: 0 };
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const [min, max] = options.serviceTimeMs;
  wss.on('connection', (socket) => {
    stats.sessions++;
    let count = 0;
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      stats.messages++;
      const text = Buffer.isBuffer(data) ? data.toString() : String(data);
      if (options.dropAfter !== undefined && ++count > options.dropAfter) {
        stats.dropped++;
        socket.close(1011, 'demo drops the session');
        return;
      }
      setTimeout(() => socket.send(reply(text)), min + Math.random() * (max - min));
    });
  });
  return stats;
}
