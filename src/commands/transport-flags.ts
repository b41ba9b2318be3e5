import { resolve } from 'node:path';

/** The flags of `run` about how the target is reached: TLS trust and identity, HTTP version, proxy. */
export interface TransportFlags {
  insecure?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  http2?: boolean;
  /** HTTP/2 closed model: streams per connection (load.streams). */
  streams?: string;
  proxy?: string;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Applies transport flags to the scenario's `target` (before validation). File flags are resolved against the
 * working directory, as a shell user expects, while the file's own paths stay relative to the scenario.
 * Flows' services inherit these from `target`.
 */
export function applyTransportFlags(data: Json, flags: TransportFlags): void {
  const { insecure, ca, cert, key, http2, proxy, streams } = flags;
  if (streams !== undefined) data.load = { ...(isRecord(data.load) ? data.load : {}), streams };
  if (insecure === undefined && ca === undefined && cert === undefined && key === undefined && !http2 && !proxy) return;
  const target: Json = isRecord(data.target)
    ? data.target
    : typeof data.target === 'string'
      ? { url: data.target }
      : {};
  const tls: Json = isRecord(target.tls) ? target.tls : {};
  if (insecure === true) tls.insecure = true;
  if (ca !== undefined) tls.ca = resolve(ca);
  if (cert !== undefined) tls.cert = resolve(cert);
  if (key !== undefined) tls.key = resolve(key);
  if (Object.keys(tls).length > 0 && target.tls !== true) target.tls = tls;
  if (http2 === true) target.http = 2;
  if (proxy !== undefined) target.proxy = proxy;
  data.target = target;
}
