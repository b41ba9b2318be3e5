import { writeFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { makePki, type TestPki } from './support/certs.js';
import { type ForwardProxy, startForwardProxy } from './support/forward-proxy.js';

const dir = tempDir('bb-flow-tls-');
let pki: TestPki;
let server: Http2SecureServer;
let url: string;
let proxy: ForwardProxy;
const versions: string[] = [];

beforeAll(async () => {
  pki = await makePki(dir);
  server = createSecureServer({ ...pki.server, allowHTTP1: true }, (req, res) => {
    versions.push(req.httpVersion);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":7}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => server.close(resolve));
});

function scenario(name: string, service: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      services: { api: service },
      load: { connections: 2, duration: '1s' },
      flows: [
        {
          name: 'f',
          steps: [
            { name: 'make', service: 'api', method: 'POST', path: '/things', json: {}, capture: { id: 'id' } },
            { name: 'read', service: 'api', path: '/things/{{vars.id}}' },
          ],
        },
      ],
    }),
  );
  return file;
}

const env = { HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

describe('flows over TLS, HTTP/2 and proxies', () => {
  it('trusts a service through its own tls.ca and speaks h2 with http: 2', async () => {
    versions.length = 0;
    const out = join(dir, 'h2.json');
    const run = await runCli(
      ['run', scenario('h2', { url, tls: { ca: 'ca.pem' }, http: 2 }), '-q', '--no-default-slos', '--out', out],
      {
        env,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(out);
    expect(result.metrics.errors).toBe(0);
    expect(result.connections).toEqual({ api: { protocol: 'h2' } });
    expect(run.stdout).toMatch(/Connections\n api h2/);
    expect(versions.length).toBeGreaterThan(10);
    expect(new Set(versions)).toEqual(new Set(['2.0']));
  });

  it('stops before load when a service certificate is not trusted, naming the service', async () => {
    const run = await runCli(['run', scenario('untrusted', { url }), '-q'], { env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^backend-bench: service api: https:\/\/127\.0\.0\.1:\d+: the server's TLS certificate is not trusted/,
    );
  });

  it('goes through HTTPS_PROXY (CONNECT) with --insecure', async () => {
    versions.length = 0;
    const run = await runCli(['run', scenario('proxied', { url }), '-q', '--insecure', '--no-default-slos'], {
      env: { ...env, HTTPS_PROXY: proxy.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(versions)).toEqual(new Set(['1.1']));
  });
});
