import { z } from 'zod';

/**
 * How a target (or a flow's service) is reached: TLS options, the HTTP version and a proxy. Shared by
 * schema.ts (target) and flow-schema.ts (services), so both spell these fields the same way.
 */

export const TlsOptions = z
  .object({
    insecure: z
      .boolean()
      .optional()
      .meta({ description: 'Accept any server certificate (self-signed, expired, wrong name)' }),
    ca: z.string().optional().meta({ description: 'PEM file of CA certificates to trust, relative to the scenario' }),
    cert: z.string().optional().meta({ description: 'PEM client certificate (with key), for mutual TLS' }),
    key: z.string().optional().meta({ description: 'PEM private key of the client certificate' }),
    servername: z.string().optional().meta({ description: 'SNI and certificate name to expect, if not the URL host' }),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'set cert and key together' });

/** `true` on a demo target: the demo serves HTTPS with a certificate made at start (and the run trusts it). */
export const Tls = z.union([z.boolean(), TlsOptions]);

export const HttpVersion = z
  .union([z.literal(1), z.literal(2), z.literal('1'), z.literal('2'), z.literal('auto')])
  .transform((v) => (v === 'auto' ? 'auto' : v === 2 || v === '2' ? '2' : '1'))
  .meta({ description: '1 (HTTP/1.1), 2 (h2 over TLS, prior-knowledge h2c over cleartext) or auto (what ALPN picks)' });

export const ProxyUrl = z.string().meta({
  description: 'Forward proxy, e.g. http://user:pass@proxy:3128; default from HTTPS_PROXY / HTTP_PROXY / NO_PROXY',
});

export type TlsConfig = z.output<typeof Tls>;
export type HttpVersionConfig = z.output<typeof HttpVersion>;
