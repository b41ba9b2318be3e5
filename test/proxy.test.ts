import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { makePki, type TestPki } from './support/certs.js';
import { type ForwardProxy, startForwardProxy } from './support/forward-proxy.js';
import { startServer, fixedDelay, type TestServer } from './support/servers.js';
import { startH2Server } from './support/h2-server.js';

const dir = tempDir('bb-proxy-');
let pki: TestPki;
let https: HttpsServer;
let httpsUrl: string;
let plain: TestServer;
let proxy: ForwardProxy;
let authProxy: ForwardProxy;
let served = 0;

beforeAll(async () => {
  pki = await makePki(dir);
  https = createHttpsServer(pki.server, (_req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  plain = await startServer(fixedDelay(1));
  proxy = await startForwardProxy();
  authProxy = await startForwardProxy({ requireAuth: Buffer.from('user:s3cret-pass').toString('base64') });
});
afterAll(async () => {
  https.closeAllConnections();
  await new Promise((resolve) => https.close(resolve));
  await plain.close();
  await proxy.close();
  await authProxy.close();
});
beforeEach(() => {
  proxy.tunnels.length = 0;
  proxy.forwarded.length = 0;
});

const load = ['--connections', '2', '--duration', '1s', '--quiet', '--workers', '1', '--no-default-slos'];
const noProxyEnv = { HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

describe('forward proxies', () => {
  it('tunnels HTTPS through CONNECT when HTTPS_PROXY is set', async () => {
    const out = join(dir, 'tunnel.json');
    const before = served;
    const run = await runCli(['run', '--url', `${httpsUrl}/`, ...load, '--ca', pki.caFile, '--out', out], {
      env: { ...noProxyEnv, HTTPS_PROXY: proxy.url, https_proxy: undefined },
    });
    expect(run.code, run.stderr).toBe(0);
    const port = new URL(httpsUrl).port;
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`127.0.0.1:${port}`]));
    const result = readResult(out);
    expect(result.metrics.errors).toBe(0);
    expect(served - before).toBe(result.metrics.requests);
    expect(result.connections?.target?.proxy).toBe(`${proxy.url}/`);
  });

  it('bypasses the proxy for hosts NO_PROXY names', async () => {
    const run = await runCli(['run', '--url', `${httpsUrl}/`, ...load, '--ca', pki.caFile], {
      env: { ...noProxyEnv, HTTPS_PROXY: proxy.url, https_proxy: undefined, NO_PROXY: 'localhost,127.0.0.1' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.tunnels).toEqual([]);
  });

  it('sends plain HTTP to the proxy with absolute-form targets', async () => {
    const run = await runCli(['run', '--url', `${plain.url}/abs`, ...load], {
      env: { ...noProxyEnv, HTTP_PROXY: proxy.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.forwarded.length).toBeGreaterThanOrEqual(2);
    expect(proxy.forwarded[0]).toBe(`${plain.url}/abs`);
    expect(proxy.tunnels).toEqual([]);
  });

  it('gives target.proxy credentials to the proxy and shows them nowhere', async () => {
    const file = join(dir, 'auth.yaml');
    const proxyUrl = authProxy.url.replace('//', '//user:s3cret-pass@');
    writeFileSync(
      file,
      JSON.stringify({
        target: { url: httpsUrl, proxy: proxyUrl, tls: { ca: 'ca.pem' } },
        load: { connections: 1, duration: '1s' },
        requests: [{ path: '/' }],
      }),
    );
    const out = join(dir, 'auth.json');
    const run = await runCli(['run', file, '--workers', '1', '--no-default-slos', '--out', out], { env: noProxyEnv });
    expect(run.code, run.stderr).toBe(0);
    expect(authProxy.tunnels.length).toBeGreaterThanOrEqual(1);
    const text = run.stdout + run.stderr + JSON.stringify(readResult(out));
    expect(text).not.toContain('s3cret-pass');
    expect(text).toContain('via http://***@127.0.0.1');
  });

  it.each([
    ['h2 over TLS', true],
    ['h2c', false],
  ])('carries HTTP/2 (%s) through a CONNECT tunnel', async (_label, tls) => {
    const h2 = await startH2Server(tls ? { tls: pki.server } : {});
    try {
      const out = join(dir, `h2-${String(tls)}.json`);
      const args = ['run', '--url', `${h2.url}/`, '--http2', ...load, '--ca', pki.caFile, '--out', out];
      const env = tls ? { HTTPS_PROXY: proxy.url, https_proxy: undefined } : { HTTP_PROXY: proxy.url };
      const run = await runCli(args, { env: { ...noProxyEnv, ...env } });
      expect(run.code, run.stderr).toBe(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(h2.url).host]));
      const result = readResult(out);
      expect(result.connections?.target?.protocol).toBe('h2');
      expect(result.metrics.errors).toBe(0);
      expect(h2.streams).toBe(result.metrics.requests);
    } finally {
      await h2.close();
    }
  });

  it('stops with one clear line when the proxy refuses the tunnel (exit 3)', async () => {
    const run = await runCli(['run', '--url', `${httpsUrl}/`, ...load, '--ca', pki.caFile, '--proxy', authProxy.url], {
      env: noProxyEnv,
    });
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/proxy refused CONNECT: 407 .*user:password/);
  });
});
