import { RunError } from '../errors.js';
import { originOf } from '../engines/http/connection.js';
import { Dialer, type Protocol, type ResolvedTransport } from '../engines/http/dial.js';
import { tlsPreflight } from '../engines/http/tls-preflight.js';
import { DEFAULT_TRANSPORT, type TransportPlan } from '../scenario/transport-plan.js';

const OFFERS: Readonly<Record<TransportPlan['http'], readonly string[]>> = {
  '1': ['http/1.1'],
  '2': ['h2', 'http/1.1'],
  auto: ['h2', 'http/1.1'],
};

/**
 * Settles how a run reaches `baseUrl` before any load: checks the certificate (and proxy) once, so a
 * misconfiguration is one clear RunError, and lets ALPN decide `http: auto`. Over cleartext, `http: 2` means
 * prior-knowledge h2c and `auto` means HTTP/1.1 (there is no ALPN to ask). `demoCa` is a TLS demo's own
 * certificate, trusted for this run only.
 */
export async function resolveTransport(
  plan: TransportPlan | undefined,
  baseUrl: string,
  demoCa?: string,
): Promise<ResolvedTransport> {
  const base = plan ?? DEFAULT_TRANSPORT;
  const transport: TransportPlan = demoCa === undefined ? base : { ...base, tls: { ...base.tls, ca: demoCa } };
  const url = new URL(baseUrl);
  const dialer = new Dialer(originOf(url), transport);
  const where = url.origin; // an origin never carries credentials
  const cleartext = url.protocol !== 'https:';
  const offer = cleartext ? (transport.http === '2' ? ['h2'] : ['http/1.1']) : OFFERS[transport.http];
  const chosen = await tlsPreflight(dialer, where, offer);
  let protocol: Protocol;
  if (transport.http === '1') protocol = 'http/1.1';
  else if (cleartext) protocol = transport.http === '2' ? 'h2' : 'http/1.1';
  else protocol = chosen ?? (transport.http === '2' ? 'h2' : 'http/1.1');
  if (transport.http === '2' && url.protocol === 'https:' && chosen === 'http/1.1') {
    throw new RunError(`${where}: the server does not offer HTTP/2 (ALPN chose http/1.1); use http: auto or 1`);
  }
  return { ...transport, protocol };
}

/**
 * Flows: every HTTPS service's certificate (and proxy) is checked before load, as the request target's is.
 * Returns the protocol each service will speak: h2 where ALPN chose it and the service allows HTTP/2 (undici
 * negotiates the same way), else HTTP/1.1 (undici has no prior-knowledge h2c).
 */
export async function checkServiceTls(
  services: readonly { name: string }[],
  urls: readonly string[],
  transports: readonly (TransportPlan | undefined)[],
): Promise<Protocol[]> {
  return Promise.all(
    services.map(async (s, i): Promise<Protocol> => {
      const url = urls[i];
      if (url === undefined || !url.startsWith('https:')) return 'http/1.1';
      try {
        return (await resolveTransport(transports[i], url)).protocol;
      } catch (err) {
        if (err instanceof RunError) throw new RunError(`service ${s.name}: ${err.message}`);
        throw err;
      }
    }),
  );
}
