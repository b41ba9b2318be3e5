import type { ChalkInstance } from 'chalk';
import type { RunResult } from '../result/run-result.js';
import { fmtMsUnit } from './format.js';

/** One line per scope saying how it was reached: protocol, connections, connect and TLS handshake medians. */
export function formatConnections(result: RunResult, c: ChalkInstance): string | undefined {
  const scopes = Object.entries(result.connections ?? {});
  if (scopes.length === 0) return undefined;
  const lines = scopes.map(([scope, f]) => {
    const parts = [
      ...(f.opened === undefined ? [] : [`${f.opened} connection${f.opened === 1 ? '' : 's'}`]),
      ...(f.connectMs === undefined ? [] : [`connect p50 ${fmtMsUnit(f.connectMs.p50)}`]),
      ...(f.tlsHandshakeMs === undefined ? [] : [`TLS handshake p50 ${fmtMsUnit(f.tlsHandshakeMs.p50)}`]),
      ...((f.resumed ?? 0) > 0 ? [`${f.resumed} resumed`] : []),
      ...(f.proxy === undefined ? [] : [`via ${f.proxy}`]),
    ];
    return ` ${scope} ${c.bold(f.protocol)} ${c.dim(parts.join(' · '))}`;
  });
  return `${c.bold('Connections')}\n${lines.join('\n')}`;
}
