import { RunError } from '../../errors.js';
import type { Dialer, Protocol } from './dial.js';

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** Alerts a server sends when it does not accept the client certificate it was given. */
const CLIENT_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);
/**
 * In TLS 1.3 a server refuses a missing or unwanted client certificate with an alert *after* the client's
 * handshake is done: the check listens this long past it before calling the handshake good.
 */
const ALERT_GRACE_MS = 150;

/** A target that has not answered by then is left to the run, which counts what happens. */
const PREFLIGHT_TIMEOUT_MS = 5000;

const codeOf = (err: Error): string => (err as NodeJS.ErrnoException).code ?? '';

/** The one line a certificate or proxy failure becomes, with the setting that would get past it. */
export function describeTlsFailure(where: string, err: Error): string | undefined {
  const code = codeOf(err);
  const accept = 'or --insecure (tls.insecure: true) to accept any certificate';
  if (UNTRUSTED.has(code)) {
    return `${where}: the server's TLS certificate is not trusted (${err.message}); pass --ca FILE (tls.ca) with the CA that signed it, ${accept}`;
  }
  if (EXPIRED.has(code)) return `${where}: the server's TLS certificate is not valid now (${err.message}); ${accept}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const reason = (err as Error & { reason?: string }).reason ?? err.message;
    return `${where}: the server's TLS certificate does not match its name (${reason}); set tls.servername to the name it holds, ${accept}`;
  }
  if (code === 'EPROXY') return `${where}: ${err.message}`;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
    return `${where}: the server requires a TLS client certificate; pass --cert FILE --key FILE (tls.cert, tls.key)`;
  }
  if (CLIENT_REFUSED.has(code)) {
    return `${where}: the server did not accept the TLS client certificate (${err.message}); check --cert/--key (tls.cert, tls.key)`;
  }
  return undefined;
}

/**
 * Before load, one TLS connection to the target (through its proxy, if any): an untrusted or mismatched
 * certificate, or a proxy that refuses the tunnel, stops the run with one clear line (exit 3) rather than
 * becoming a run of identical errors. Other failures (refused, reset) are left for the run to count, as over
 * cleartext. Returns the protocol ALPN chose, which settles `http: auto`.
 */
export async function tlsPreflight(
  dialer: Dialer,
  where: string,
  offer: readonly string[],
): Promise<Protocol | undefined> {
  // Cleartext HTTP/1.1 through a proxy is absolute-form requests, not a tunnel: the run shows what the proxy says.
  if (!dialer.origin.tls && (dialer.proxy === undefined || !offer.includes('h2'))) return undefined;
  const socket = dialer.origin.tls ? dialer.open(offer) : dialer.openStream(offer);
  const outcome = await new Promise<Error | string | undefined>((resolve) => {
    socket.once('error', (err: Error) => resolve(err));
    socket.once('close', () => resolve(undefined));
    socket.once(dialer.origin.tls ? 'secureConnect' : 'connect', () => {
      const alpn =
        'alpnProtocol' in socket && typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : 'http/1.1';
      if (!dialer.origin.tls) return resolve(alpn);
      // Reading lets the alert arrive as an 'error'; whatever else the server sends first is dropped with the socket.
      socket.resume();
      setTimeout(() => resolve(alpn), ALERT_GRACE_MS).unref();
    });
    setTimeout(() => resolve(undefined), PREFLIGHT_TIMEOUT_MS).unref();
  });
  socket.destroy();
  if (outcome instanceof Error) {
    const line = describeTlsFailure(where, outcome);
    if (line !== undefined) throw new RunError(line);
    return undefined;
  }
  return outcome === 'h2' ? 'h2' : outcome === undefined ? undefined : 'http/1.1';
}
