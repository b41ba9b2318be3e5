import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { redactUrl } from './redact.js';
import type { ScenarioConfig } from './schema.js';
import type { HttpVersionConfig, TlsConfig } from './transport-schema.js';

/** TLS options with their files read: PEM text, so worker threads and engines never touch the disk. */
export interface TlsPlan {
  insecure: boolean;
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  servername: string | undefined;
}

/** How connections reach one target or service. */
export interface TransportPlan {
  tls: TlsPlan;
  http: HttpVersionConfig;
  /** An explicit proxy URL (target.proxy); the environment's HTTP(S)_PROXY apply when it is unset. */
  proxy: string | undefined;
  /** A demo target asked to serve HTTPS with a certificate made at start. */
  demoTls: boolean;
}

type FieldPath = readonly (string | number)[];
interface ProblemList {
  add(path: FieldPath, message: string): void;
}

interface TransportConfig {
  tls?: TlsConfig | undefined;
  http?: HttpVersionConfig | undefined;
  proxy?: string | undefined;
}

export const DEFAULT_TRANSPORT: TransportPlan = {
  tls: { insecure: false, ca: undefined, cert: undefined, key: undefined, servername: undefined },
  http: '1',
  proxy: undefined,
  demoTls: false,
};

function readPem(file: string | undefined, baseDir: string, at: FieldPath, problems: ProblemList): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(resolve(baseDir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    problems.add(at, `cannot read ${file}: ${why}`);
    return undefined;
  }
}

function checkProxy(proxy: string | undefined, at: FieldPath, problems: ProblemList): void {
  if (proxy === undefined) return;
  try {
    const url = new URL(proxy);
    if (url.protocol !== 'http:') problems.add(at, `proxy ${redactUrl(proxy)}: only http:// proxies are supported`);
  } catch {
    problems.add(at, `proxy: not a valid URL: ${redactUrl(proxy)} (expected e.g. http://proxy:3128)`);
  }
}

/** One target's or service's transport; `base` gives the defaults a service inherits from the target. */
export function planTransport(
  config: TransportConfig | undefined,
  baseDir: string,
  problems: ProblemList,
  at: FieldPath,
  base: TransportPlan = DEFAULT_TRANSPORT,
): TransportPlan {
  const tls = config?.tls;
  const options = typeof tls === 'object' ? tls : undefined;
  const field = (name: string): FieldPath => [...at, 'tls', name];
  checkProxy(config?.proxy, [...at, 'proxy'], problems);
  return {
    tls: {
      insecure: options?.insecure ?? base.tls.insecure,
      ca: readPem(options?.ca, baseDir, field('ca'), problems) ?? base.tls.ca,
      cert: readPem(options?.cert, baseDir, field('cert'), problems) ?? base.tls.cert,
      key: readPem(options?.key, baseDir, field('key'), problems) ?? base.tls.key,
      servername: options?.servername ?? base.tls.servername,
    },
    http: config?.http ?? base.http,
    proxy: config?.proxy ?? base.proxy,
    demoTls: tls === true,
  };
}

/** The target's transport, and each declared flow service's (inheriting the target's). */
export function planTransports(
  config: ScenarioConfig,
  baseDir: string,
  problems: ProblemList,
): { transport: TransportPlan; services: Record<string, TransportPlan> } {
  const target = typeof config.target === 'object' ? config.target : undefined;
  const transport = planTransport(target, baseDir, problems, ['target']);
  const services: Record<string, TransportPlan> = {};
  for (const [name, s] of Object.entries(config.services ?? {})) {
    services[name] =
      typeof s === 'string'
        ? { ...transport, demoTls: false }
        : { ...planTransport(s, baseDir, problems, ['services', name], transport), demoTls: false };
  }
  return { transport, services };
}
