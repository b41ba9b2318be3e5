import { connect } from 'node:net';
import { RunError } from '../../errors.js';
import { redactUrl } from '../../scenario/redact.js';

export interface ServiceAddress {
  name: string;
  url: string;
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** Resolves when a TCP connection to the URL's host and port opens; rejects with the reason otherwise. */
function tryConnect(url: string, timeoutMs: number): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve, reject) => {
    // A bare TCP connect, not a request: the services' own counters must not see our check.
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port) || DEFAULT_PORT[protocol] || 80,
    });
    const done = (err?: Error): void => {
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('connect', () => done());
    socket.once('error', (err) => done(err));
  });
}

/**
 * Before any load: every service must accept a connection, or the run stops (exit 3) naming each one that
 * did not, with its URL (credentials removed). A broken set-up is a run error, not a failed SLO.
 */
export async function checkReachable(services: readonly ServiceAddress[], timeoutMs = 2000): Promise<void> {
  const results = await Promise.allSettled(services.map((s) => tryConnect(s.url, timeoutMs)));
  const down = services.flatMap((s, i) => {
    const r = results[i];
    if (r === undefined || r.status === 'fulfilled') return [];
    const why = r.reason instanceof Error ? r.reason.message : String(r.reason);
    return [`service ${s.name} (${redactUrl(s.url)}) is not reachable: ${why}`];
  });
  if (down.length === 1) throw new RunError(down[0] as string);
  if (down.length > 1) throw new RunError(`${down.length} services are not reachable:\n  ${down.join('\n  ')}`);
}

/**
 * The same check for a run's one target (a WebSocket URL): refused or silent before load is one line and exit 3,
 * rather than a run of identical connect errors. `what` names it for the user ("WebSocket target").
 */
export async function checkTargetReachable(what: string, url: string, timeoutMs = 2000): Promise<void> {
  try {
    await tryConnect(url, timeoutMs);
  } catch (err) {
    throw new RunError(
      `${what} ${redactUrl(url)} is not reachable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
