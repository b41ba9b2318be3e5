import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMonolithServer } from '../src/targets/monolith.js';
import { readResult, runCli, tempDir } from './support/cli.js';

/**
 * A HAR recorded by a real browser: headless Chromium opens a page of ours that creates a user through the demo
 * monolith's API and then reads it back. The import must capture the server-issued id and reuse it, so the
 * replayed journey reads the users it creates (zero 404s) instead of the one created while recording.
 */
const PAGE = `<!doctype html><html><head><title>journey</title><script src="/app.js" defer></script></head>
<body><h1>Sign-up</h1><pre id="out"></pre></body></html>`;
const APP = `
(async () => {
  const created = await fetch('/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.test' }),
  }).then((r) => r.json());
  await new Promise((r) => setTimeout(r, 150)); // the user reads the confirmation before opening the profile
  const read = await fetch('/users/' + created.id, { headers: { accept: 'application/json' } }).then((r) => r.json());
  const done = document.createElement('p');
  done.id = 'done';
  done.textContent = JSON.stringify(read);
  document.body.append(done);
})();`;

/** Serves the page and its script, and forwards everything else to the demo; counts API statuses by route. */
function startPageServer(api: string): Promise<{ server: Server; url: string; statuses: Map<string, number> }> {
  const statuses = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP);
    const upstream = request(`${api}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      const route = `${req.method} ${(req.url ?? '').replace(/\/\d+$/, '/:id')} ${answer.statusCode}`;
      statuses.set(route, (statuses.get(route) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, statuses }),
    ),
  );
}

const close = async (server: Server): Promise<void> => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
};

describe('import har: a recording made by headless Chromium', () => {
  let demo: Server;
  let page: Awaited<ReturnType<typeof startPageServer>>;
  const dir = tempDir('bb-har-');
  const harFile = join(dir, 'signup.har');

  beforeAll(async () => {
    demo = createMonolithServer({ serviceTimeMs: [1, 3] });
    await new Promise<void>((resolve) => demo.listen(0, '127.0.0.1', resolve));
    page = await startPageServer(`http://127.0.0.1:${(demo.address() as AddressInfo).port}`);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
    try {
      const context = await browser.newContext({ recordHar: { path: harFile, content: 'embed' } });
      const tab = await context.newPage();
      await tab.goto(page.url);
      await tab.waitForSelector('#done', { timeout: 15_000 });
      await context.close(); // writes the HAR
    } finally {
      await browser.close();
    }
  });
  afterAll(async () => {
    await close(page.server);
    await close(demo);
  });

  it('imports one flow whose read step uses the id captured from the create step, and replays with zero 404s', async () => {
    const recorded = page.statuses.get('POST /users 201');
    expect(recorded).toBe(1);
    const out = join(dir, 'scenarios', 'signup.yaml');
    const imported = await runCli(['import', 'har', harFile, '--out', out]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/correlated userId: post-users \$\.id -> get-users-id path/);
    const doc = parse(readFileSync(out, 'utf8')) as {
      services: Record<string, string>;
      flows: { steps: Record<string, unknown>[] }[];
    };
    expect(Object.values(doc.services)).toEqual([page.url]);
    const steps = doc.flows[0]?.steps ?? [];
    expect(steps.map((s) => s.name)).toEqual(['post-users', 'get-users-id']);
    expect(steps[0]).toMatchObject({
      method: 'POST',
      path: '/users',
      json: { name: 'Ada Lovelace', email: 'ada@example.test' },
      expect: { status: 201 },
      capture: { userId: { jsonPath: '$.id' } },
    });
    expect(steps[1]).toMatchObject({ path: '/users/{{vars.userId}}', expect: { status: 200 } });
    expect(String(steps[0]?.think)).toMatch(/^\d+ms$/);
    const headers = JSON.stringify(steps.map((s) => s.headers ?? {}));
    expect(headers).not.toMatch(/user-agent|sec-ch-ua|sec-fetch|accept-encoding|connection/i);

    const valid = await runCli(['validate', out]);
    expect(valid.code).toBe(0);
    page.statuses.clear();
    const result = join(dir, 'result.json');
    const run = await runCli(['run', out, '--rate', '5', '--duration', '3s', '--out', result, '-q']);
    expect(run.code).toBe(0);
    const r = readResult(result);
    expect(r.metrics.errors).toBe(0);
    expect(r.byStep?.['get-users-id']?.requests).toBeGreaterThanOrEqual(10);
    expect(r.byStep?.['get-users-id']?.skipped).toBe(0);
    const reads = page.statuses.get('GET /users/:id 200') ?? 0;
    expect(reads).toBe(page.statuses.get('POST /users 201'));
    expect([...page.statuses.keys()].filter((k) => k.endsWith(' 404'))).toEqual([]);
  });
});
