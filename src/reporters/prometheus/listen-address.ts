import { InputError } from '../../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** Loopback unless told otherwise: a metrics endpoint is not something to expose by accident. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Parses "9464", "0.0.0.0:9464" or "[::1]:9464" (the value of `flag`). */
export function parseListenAddress(text: string, flag: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]:|([^:[\]]*):)?(\d+)$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port > 65_535) {
    throw new InputError(`${flag} "${text}": expected [host:]port, e.g. 9464 or 0.0.0.0:9464`);
  }
  const host = m[1] ?? (m[2] === undefined || m[2] === '' ? DEFAULT_METRICS_HOST : m[2]);
  return { host, port };
}

/** The wildcard addresses: a server bound to one listens on every interface of the machine. */
export function isEveryInterface(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '*';
}
