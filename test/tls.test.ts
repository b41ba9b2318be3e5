import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { makePki, type TestPki } from './support/certs.js';

const dir = tempDir('bb-tls-');
let pki: TestPki;
const servers: Server[] = [];
const peers: string[] = [];

async function httpsServer(options: Parameters<typeof createServer>[0]): Promise<string> {
  const server = createServer(options, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate?.();
    if (peer?.subject?.CN !== undefined) peers.push(String(peer.subject.CN));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  pki = await makePki(dir);
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const load = ['--connections', '2', '--duration', '1s', '--quiet', '--workers', '1', '--no-default-slos'];

describe('HTTPS targets', () => {
  it('refuses a self-signed certificate by default: one clear line, exit 3, no load', async () => {
    let sockets = 0;
    const url = await httpsServer(pki.selfSigned);
    servers.at(-1)?.on('secureConnection', (_s: Socket) => sockets++);
    const run = await runCli(['run', '--url', url, ...load]);
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not trusted .*self-signed/);
    expect(lines[0]).toContain('--insecure');
    expect(lines[0]).toContain('--ca FILE');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(sockets).toBe(0); // the handshake failed: no request was sent
  });

  it('accepts it with --insecure, and reports protocol, connect and handshake times', async () => {
    const url = await httpsServer(pki.selfSigned);
    const out = join(dir, 'insecure.json');
    const run = await runCli(['run', '--url', url, ...load, '--insecure', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(out);
    expect(result.metrics.requests).toBeGreaterThan(10);
    expect(result.metrics.errors).toBe(0);
    const figures = result.connections?.target;
    expect(figures?.protocol).toBe('http/1.1');
    expect(figures?.opened).toBeGreaterThanOrEqual(2);
    expect(figures?.tlsHandshakeMs?.max).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/http\/1\.1 .*TLS handshake/);
  });

  it('accepts a certificate signed by the CA given with --ca', async () => {
    const url = await httpsServer(pki.server);
    const run = await runCli(['run', '--url', url, ...load, '--ca', pki.caFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ 0 errors/);
  });

  it('names the mismatch when the certificate is for another name', async () => {
    const url = (await httpsServer(pki.server)).replace('127.0.0.1', 'localhost');
    const file = join(dir, 'mismatch.yaml');
    const scenario = {
      target: { url, tls: { ca: 'ca.pem', servername: 'api.internal' } },
      load: { connections: 1, duration: '1s' },
      requests: [{ path: '/' }],
    };
    writeFileSync(file, JSON.stringify(scenario));
    const run = await runCli(['run', file, '--quiet']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/does not match its name .*api\.internal/);
  });

  it('gives the client certificate a server requires (mutual TLS), with paths relative to the scenario', async () => {
    const url = await httpsServer({ ...pki.server, requestCert: true, rejectUnauthorized: true, ca: pki.ca });
    const file = join(dir, 'mtls.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        target: { url, tls: { ca: 'ca.pem', cert: 'client.pem', key: 'client-key.pem' } },
        load: { connections: 2, duration: '1s' },
        requests: [{ path: '/' }],
      }),
    );
    const before = peers.length;
    const run = await runCli(['run', file, '--quiet', '--workers', '1', '--no-default-slos'], { cwd: '/' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ 0 errors/);
    expect(peers.length - before).toBeGreaterThan(10);
    expect(new Set(peers.slice(before))).toEqual(new Set(['bb test client']));
  });

  it('says so when the server requires a client certificate and none is given (exit 3)', async () => {
    const url = await httpsServer({ ...pki.server, requestCert: true, rejectUnauthorized: true, ca: pki.ca });
    const run = await runCli(['run', '--url', url, ...load, '--ca', pki.caFile]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/requires a TLS client certificate; pass --cert FILE --key FILE/);
  });

  it('resumes TLS sessions when it reconnects', async () => {
    const url = await httpsServer(pki.server);
    // Every response closes its connection, so each request reconnects.
    servers.at(-1)?.prependListener('request', (_req, res) => res.setHeader('connection', 'close'));
    const out = join(dir, 'resume.json');
    const run = await runCli(['run', '--url', url, ...load, '--ca', pki.caFile, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const figures = readResult(out).connections?.target;
    expect(figures?.opened).toBeGreaterThan(10);
    expect(figures?.resumed).toBeGreaterThan((figures?.opened ?? 0) / 2);
  });

  it('names a TLS file that cannot be read (exit 2, file and field)', async () => {
    const file = join(dir, 'missing.yaml');
    writeFileSync(
      file,
      'target:\n  url: https://127.0.0.1:1\n  tls: { ca: nope.pem }\nload: { rate: 1, duration: 1s }\nrequests: [{ path: / }]\n',
    );
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing\.yaml:3:\d+ target\.tls\.ca: cannot read nope\.pem: no such file/);
  });
});
