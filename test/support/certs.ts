import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TestPki {
  /** Files in `dir`: a CA, a server certificate it signed (127.0.0.1, localhost), a client certificate it signed. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: string;
  server: { cert: string; key: string };
  /** A self-signed server certificate nobody trusts. */
  selfSigned: { cert: string; key: string };
}

const SAN: { name: 'subjectAltName'; altNames: { type: 2 | 7; value?: string; ip?: string }[] } = {
  name: 'subjectAltName',
  altNames: [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ],
};

const opts = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/** A small PKI for TLS tests, written to `dir` as PEM files. */
export async function makePki(dir: string): Promise<TestPki> {
  const ca = await generate([{ name: 'commonName', value: 'bb test CA' }], {
    ...opts,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const caKeys = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    ...opts,
    ca: caKeys,
    extensions: [{ name: 'basicConstraints', cA: false }, SAN, { name: 'extKeyUsage', serverAuth: true }],
  });
  const client = await generate([{ name: 'commonName', value: 'bb test client' }], {
    ...opts,
    ca: caKeys,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  const selfSigned = await generate([{ name: 'commonName', value: '127.0.0.1' }], { ...opts, extensions: [SAN] });
  const caFile = join(dir, 'ca.pem');
  const clientCertFile = join(dir, 'client.pem');
  const clientKeyFile = join(dir, 'client-key.pem');
  writeFileSync(caFile, ca.cert);
  writeFileSync(clientCertFile, client.cert);
  writeFileSync(clientKeyFile, client.private);
  return {
    caFile,
    clientCertFile,
    clientKeyFile,
    ca: ca.cert,
    server: { cert: server.cert, key: server.private },
    selfSigned: { cert: selfSigned.cert, key: selfSigned.private },
  };
}
