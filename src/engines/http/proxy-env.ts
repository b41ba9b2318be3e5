import { isIP } from 'node:net';

/**
 * Which proxy, if any, a request to `target` goes through, decided as curl does: an explicit proxy (the
 * scenario's `target.proxy`) first, else `https_proxy` / `HTTPS_PROXY` for https and `http_proxy` /
 * `HTTP_PROXY` for http (lowercase first), else `all_proxy` / `ALL_PROXY`. `no_proxy` / `NO_PROXY` then
 * exempts hosts: `*` exempts all; an entry matches the host itself or any subdomain (a leading dot is optional);
 * an IP entry matches that address, a CIDR entry its range; `host:port` only that port. Like curl, loopback is
 * proxied unless NO_PROXY names it. (curl ignores upper-case HTTP_PROXY for CGI reasons; we read it, as the
 * issue asks and as most tools do.)
 */
export function proxyFor(target: URL, explicit: string | undefined, env: NodeJS.ProcessEnv): URL | undefined {
  const https = target.protocol === 'https:';
  const pick = (...names: string[]): string | undefined =>
    names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== '');
  const raw =
    explicit ??
    (https ? pick('https_proxy', 'HTTPS_PROXY') : pick('http_proxy', 'HTTP_PROXY')) ??
    pick('all_proxy', 'ALL_PROXY');
  if (raw === undefined) return undefined;
  const noProxy = pick('no_proxy', 'NO_PROXY');
  if (noProxy !== undefined && bypasses(target, noProxy)) return undefined;
  // curl assumes http:// for a proxy given without a scheme.
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
}

function bypasses(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitEntry(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (matchesHost(host, name)) return true;
  }
  return false;
}

function splitEntry(entry: string): { name: string; entryPort: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) return { name: bracketed[1] as string, entryPort: bracketed[2] };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort !== null) return { name: hostPort[1] as string, entryPort: hostPort[2] };
  return { name: entry, entryPort: undefined };
}

function matchesHost(host: string, name: string): boolean {
  if (name.includes('/')) return inCidr(host, name);
  if (isIP(name) !== 0) return host === name;
  const bare = name.replace(/^\*?\./, '');
  return host === bare || host.endsWith(`.${bare}`);
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (network === undefined || isIP(host) !== 4 || isIP(network) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  return toInt(host) >>> (32 - bits) === toInt(network) >>> (32 - bits);
}
