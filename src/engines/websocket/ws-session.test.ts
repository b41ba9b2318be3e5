import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../metrics/error-kinds.js';
import { attachWsEcho, type WsEchoOptions } from '../../targets/ws-echo.js';
import { runSession, type WsSessionPlan, type WsSink } from './ws-session.js';

class Tally implements WsSink {
  connects: number[] = [];
  connectErrors: ErrorKind[] = [];
  trips: { scope: number; ms: number | undefined; error: ErrorKind | undefined }[] = [];
  sentCount = 0;
  receivedCount = 0;
  closes: { code: number; clean: boolean }[] = [];
  connected(ms: number): void {
    this.connects.push(ms);
  }
  connectFailed(kind: ErrorKind): void {
    this.connectErrors.push(kind);
  }
  roundTrip(scope: number, ms: number | undefined, error: ErrorKind | undefined): void {
    this.trips.push({ scope, ms, error });
  }
  sent(): void {
    this.sentCount++;
  }
  received(): void {
    this.receivedCount++;
  }
  closed(code: number, clean: boolean): void {
    this.closes.push({ code, clean });
  }
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function echo(options: WsEchoOptions): Promise<{ url: string; stats: ReturnType<typeof attachWsEcho> }> {
  const server = createServer();
  const stats = attachWsEcho(server, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, stats };
}

function plan(url: string, overrides: Partial<WsSessionPlan> = {}): WsSessionPlan {
  return {
    url,
    headers: { 'x-test': 'yes' },
    subprotocols: [],
    rounds: 5,
    durationMs: undefined,
    connectTimeoutMs: 2000,
    steps: [
      {
        scope: 0,
        render: (seq) => JSON.stringify({ say: `hi ${seq}` }),
        matches: (text) => text.includes('"echo"'),
        timeoutMs: 1000,
      },
      { scope: 1, pauseMs: 5, timeoutMs: 0 },
    ],
    ...overrides,
  };
}

let seq = 0;
const nextSeq = (): number => seq++;

describe('websocket session', () => {
  it('runs its rounds, times each round trip and closes cleanly', async () => {
    const { url, stats } = await echo({ serviceTimeMs: [5, 5] });
    const tally = new Tally();
    await runSession(plan(url), tally, new AbortController().signal, nextSeq);
    expect(tally.connects).toHaveLength(1);
    expect(tally.trips).toHaveLength(5);
    expect(tally.trips.every((t) => t.error === undefined && t.ms !== undefined && t.ms >= 4.5)).toBe(true);
    expect([tally.sentCount, tally.receivedCount, stats.messages]).toEqual([5, 5, 5]);
    expect(tally.closes).toEqual([{ code: 1000, clean: true }]);
  });

  it('counts a session the server drops, with its close code, and stops there', async () => {
    const { url } = await echo({ serviceTimeMs: [1, 1], dropAfter: 2 });
    const tally = new Tally();
    await runSession(plan(url), tally, new AbortController().signal, nextSeq);
    expect(tally.trips.map((t) => t.error)).toEqual([undefined, undefined, 'connect_reset']);
    expect(tally.closes).toEqual([{ code: 1011, clean: false }]);
  });

  it('times out a reply that never matches', async () => {
    const { url } = await echo({ serviceTimeMs: [1, 1] });
    const tally = new Tally();
    const never = plan(url, {
      rounds: 1,
      steps: [{ scope: 0, render: () => 'plain', matches: (t) => t === 'other', timeoutMs: 100 }],
    });
    await runSession(never, tally, new AbortController().signal, nextSeq);
    expect(tally.trips).toMatchObject([{ error: 'timeout' }]);
    expect(tally.trips[0]?.ms).toBeGreaterThanOrEqual(99);
  });

  it('reports a refused connection without a close', async () => {
    const { url } = await echo({ serviceTimeMs: [1, 1] });
    servers.splice(0).forEach((s) => s.close());
    const tally = new Tally();
    await runSession(plan(url), tally, new AbortController().signal, nextSeq);
    expect(tally.connectErrors).toEqual(['connect_refused']);
    expect(tally.closes).toEqual([]);
  });

  it('stops at once when aborted', async () => {
    const { url } = await echo({ serviceTimeMs: [1, 1] });
    const tally = new Tally();
    const stop = new AbortController();
    const run = runSession(plan(url, { rounds: undefined, durationMs: 60_000 }), tally, stop.signal, nextSeq);
    setTimeout(() => stop.abort(), 100);
    await run;
    expect(tally.closes).toEqual([{ code: 1000, clean: true }]);
    expect(tally.trips.length).toBeGreaterThan(0);
  });
});

describe('wss:// sessions', () => {
  it('trust the CA they are given, and fail to open (not crash) without it', async () => {
    const { createServer: createHttpsServer } = await import('node:https');
    const { demoCertificate } = await import('../../targets/demo-protocol.js');
    const pems = await demoCertificate();
    const server = createHttpsServer({ cert: pems.cert, key: pems.key });
    attachWsEcho(server as unknown as Server, { serviceTimeMs: [0, 1] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server as unknown as Server);
    const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const trusted = new Tally();
    await runSession(
      plan(url, { tls: { ca: pems.cert, rejectUnauthorized: true } }),
      trusted,
      new AbortController().signal,
      nextSeq,
    );
    expect(trusted.connectErrors).toEqual([]);
    expect(trusted.trips.map((t) => t.error)).toEqual(Array(5).fill(undefined));
    const untrusted = new Tally();
    await runSession(plan(url), untrusted, new AbortController().signal, nextSeq);
    expect(untrusted.connects).toEqual([]);
    expect(untrusted.connectErrors).toEqual(['other']);
  });
});
