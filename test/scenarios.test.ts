import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResult, ROOT, runCli, tempDir } from './support/cli.js';
import { startServer, type TestServer } from './support/servers.js';

describe('shipped scenarios', () => {
  it('every file in scenarios/ validates', async () => {
    const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const run = await runCli(['validate', ...files.map((f) => `scenarios/${f}`)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('scenarios/monolith.yaml (the README first run) passes its SLOs against the demo in under 30 s', async () => {
    const out = join(tempDir(), 'r.json');
    const started = Date.now();
    const run = await runCli(['run', 'scenarios/monolith.yaml', '--out', out]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.pass).toBe(true);
    expect(r.metrics.errors).toBe(0);
    expect(r.metrics.requests).toBeGreaterThan(700);
    expect(Object.keys(r.byRequest)).toEqual(['list-users', 'get-user', 'create-user']);
    // Weights 3:2:1 are honoured exactly (smooth weighted round-robin).
    const counts = Object.values(r.byRequest).map((m) => m.requests);
    expect(Math.abs((counts[0] as number) - 3 * (counts[2] as number))).toBeLessThanOrEqual(3);
    expect(run.stdout).toMatch(/PASS\s+4\/4 SLOs met/);
  });
});

describe('scenarios/monolith-h2.yaml', () => {
  it('runs the demo over HTTPS and HTTP/2 (self-signed certificate made at start) and passes its SLOs', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', 'scenarios/monolith-h2.yaml', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.target).toMatch(/^demo:monolith \(https:\/\/127\.0\.0\.1:\d+\)$/);
    expect(r.metrics.errors).toBe(0);
    expect(r.metrics.requests).toBeGreaterThan(200);
    expect(r.connections?.target?.protocol).toBe('h2');
    expect(r.connections?.target?.tlsHandshakeMs?.max).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/target h2 .*TLS handshake/);
  });
});

describe('scenarios/grpc.yaml', () => {
  it('calls the demo shop over gRPC (unary, server, client and bidi streaming) and passes its SLOs', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', 'scenarios/grpc.yaml', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.target).toMatch(/^demo:grpc \(grpc:\/\/127\.0\.0\.1:\d+\)$/);
    expect(r.metrics.errors).toBe(0);
    expect(Object.keys(r.byRequest)).toEqual(['get-item', 'watch-stock', 'restock', 'quote-prices']);
    expect(r.grpc?.byCall['watch-stock']?.streams?.messagesPerCall).toBe(3);
    expect(r.grpc?.byCall['quote-prices']).toMatchObject({ kind: 'bidi_stream', streams: { messagesPerCall: 2 } });
    expect(run.stdout).toMatch(/gRPC streams/);
  });
});

describe('scenarios/websocket.yaml', () => {
  it('runs sessions against the WebSocket echo demo and passes its SLOs', async () => {
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', 'scenarios/websocket.yaml', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = readResult(out);
    expect(r.target).toMatch(/^demo:websocket \(ws:\/\/127\.0\.0\.1:\d+\)$/);
    expect(r.metrics.errors).toBe(0);
    expect(Object.keys(r.byRequest)).toEqual(['say-hi']);
    // Sessions of 20 round trips each, all of them closed by us once done.
    expect(r.websocket?.sessions.started).toBeGreaterThan(10);
    expect(r.metrics.requests).toBe(20 * (r.websocket?.sessions.started ?? 0));
    expect(r.websocket?.closes['1000']?.byClient).toBe(r.websocket?.sessions.started);
    expect(run.stdout).toMatch(/PASS\s+3\/3 SLOs met/);
  });
});

describe('templated requests and CSV data', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('rows of a CSV file, sequence numbers and env vars reach the server', async () => {
    const bodies: string[] = [];
    const paths: string[] = [];
    server = await startServer((req, res, body) => {
      bodies.push(body);
      paths.push(req.url ?? '');
      res.writeHead(201).end();
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'users.csv'), 'email,plan\na@x.test,free\nb@x.test,pro\n');
    writeFileSync(
      join(dir, 's.yaml'),
      `target: \${BB_TARGET}
load: { connections: 1, duration: 1s }
data: { file: users.csv }
requests:
  - method: post
    path: /signup/{{row.plan}}
    query: { n: "{{seq}}", src: "\${BB_SOURCE:-ci}" }
    json: { email: "{{row.email}}", n: "{{seq}}", tag: "t-{{seq}}" }
    expect: { status: 201 }
`,
    );
    const run = await runCli(['run', join(dir, 's.yaml'), '--out', join(dir, 'r.json')], {
      env: { BB_TARGET: server.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readResult(join(dir, 'r.json')).metrics.errors).toBe(0);
    expect(paths[0]).toBe('/signup/free?n=0&src=ci');
    expect(paths[1]).toBe('/signup/pro?n=1&src=ci');
    expect(paths[2]).toBe('/signup/free?n=2&src=ci');
    expect(JSON.parse(bodies[1] as string)).toEqual({ email: 'b@x.test', n: 1, tag: 't-1' });
  });

  it('a template reading a column the CSV lacks exits 2 before any traffic', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.csv'), 'email\na@x.test\n');
    writeFileSync(
      join(dir, 's.yaml'),
      `target: http://127.0.0.1:9
load: { rate: 1, duration: 1s }
data: { file: users.csv }
requests: [{ path: "/u/{{row.id}}" }]
`,
    );
    const run = await runCli(['run', join(dir, 's.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/users\.csv: no column "id" \(columns: email\)/);
  });
});

describe('demo command', () => {
  it('backend-bench demo monolith --port serves the demo until Ctrl-C', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    let body = '';
    const run = await runCli(['demo', 'monolith', '--port', String(port)], {
      timeoutMs: 20_000,
      onSpawn: (pid) => {
        const poll = async (): Promise<void> => {
          for (let i = 0; i < 50; i++) {
            try {
              body = await (await fetch(`http://127.0.0.1:${port}/users/1`)).text();
              break;
            } catch {
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          process.kill(pid, 'SIGINT');
        };
        void poll();
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`listening on http://127.0.0.1:${port}`);
    expect(JSON.parse(body)).toMatchObject({ id: 1 });
  });
});
