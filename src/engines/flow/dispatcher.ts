import { type Dispatcher, Pool, ProxyAgent } from 'undici';
import type { ConnectionOptions } from 'node:tls';
import { DEFAULT_TRANSPORT, type TransportPlan } from '../../scenario/transport-plan.js';
import { proxyFor } from '../http/proxy-env.js';
import { proxyAuthorization } from '../http/proxy-tunnel.js';

export interface DispatcherOptions {
  connections: number;
  timeoutMs: number;
  transport: TransportPlan | undefined;
  env?: NodeJS.ProcessEnv;
}

function tlsOf(transport: TransportPlan): ConnectionOptions {
  const { tls } = transport;
  return {
    rejectUnauthorized: !tls.insecure,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert, key: tls.key }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
  };
}

/**
 * The undici dispatcher a flow service's requests go through: a keep-alive Pool to its origin, or a ProxyAgent
 * when a proxy applies (target.proxy, else HTTP(S)_PROXY / NO_PROXY as for requests). TLS options are the
 * scenario's; `http: 2` or `auto` lets undici negotiate h2 by ALPN (undici has no prior-knowledge h2c, so
 * cleartext services stay on HTTP/1.1). undici keeps TLS sessions per origin and resumes them on reconnect.
 */
export function flowDispatcher(origin: string, options: DispatcherOptions): Dispatcher {
  const transport = options.transport ?? DEFAULT_TRANSPORT;
  const tls = tlsOf(transport);
  const common = {
    connections: options.connections,
    pipelining: 1,
    connectTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
    allowH2: transport.http !== '1',
  };
  const proxy = proxyFor(new URL(origin), transport.proxy, options.env ?? process.env);
  if (proxy === undefined) return new Pool(origin, { ...common, connect: tls });
  const token = proxyAuthorization(proxy);
  proxy.username = '';
  proxy.password = '';
  return new ProxyAgent({ ...common, uri: proxy.href, ...(token !== undefined && { token }), requestTls: tls });
}
