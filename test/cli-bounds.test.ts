import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { BIN, readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

describe('faults: runs end on time and count honestly', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('an absurd rate ends within duration + timeout + drain, every start accounted for', async () => {
    server = await startServer(fixedDelay(20));
    const out = join(tempDir(), 'r.json');
    const started = Date.now();
    const run = await runCli(
      [
        'run',
        '--url',
        server.url,
        '--rate',
        '100000000',
        '--duration',
        '2s',
        '--timeout',
        '1s',
        '--no-default-slos',
        '-q',
        '--out',
        out,
      ],
      { timeoutMs: 60_000 },
    );
    const tookMs = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    // 2 s of schedule, at most 1 s to give up on missed starts, 2 s of drain, plus start-up on a loaded machine.
    expect(tookMs).toBeLessThan(12_000);
    const r = readResult(out);
    expect(r.metrics.requests).toBeGreaterThan(0);
    expect(r.metrics.requests + r.metrics.dropped).toBe(200_000_000);
    // 10^12 per second: two million million starts, counted without being visited.
    const out12 = join(tempDir(), 'r.json');
    const args12 = ['run', '--url', server.url, '--rate', '1e12', '--duration', '2s', '--timeout', '1s'];
    const started12 = Date.now();
    const run12 = await runCli([...args12, '--no-default-slos', '-q', '--out', out12], { timeoutMs: 60_000 });
    expect(run12.code, run12.stderr).toBe(0);
    expect(Date.now() - started12).toBeLessThan(12_000);
    const r12 = readResult(out12);
    expect(r12.metrics.requests + r12.metrics.dropped).toBe(2e12);
  });

  it('the achieved rate is over the configured duration: 4 starts in 4 s are 1.0/s, and rps >= 1 is judged on that', async () => {
    server = await startServer(fixedDelay(1));
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      server.url,
      '--rate',
      '1',
      '--duration',
      '4s',
      '--slo',
      'rps >= 1.1',
      '-q',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const r = readResult(out);
    expect(r.metrics.requests).toBe(4);
    expect(r.metrics.rps).toBe(1);
    expect(r.slos[0]).toMatchObject({ pass: false, value: 1 });
  });

  it('a server that resets every 3rd request on a reused connection never looks healthy', async () => {
    let n = 0;
    const served = new WeakMap<object, number>();
    server = await startServer((req, res) => {
      const before = served.get(req.socket) ?? 0;
      served.set(req.socket, before + 1);
      if (before > 0 && ++n % 3 === 0) return void req.socket.destroy();
      res.end('ok');
    });
    const out = join(tempDir(), 'r.json');
    const run = await runCli([
      'run',
      '--url',
      server.url,
      '--connections',
      '2',
      '--duration',
      '1s',
      '-q',
      '--out',
      out,
    ]);
    // The default error_rate < 1% budget fails: the run does not pass.
    expect(run.code, run.stderr).toBe(1);
    const r = readResult(out);
    expect(r.metrics.requests).toBeGreaterThan(20);
    expect(r.errorsByKind.connect_reset).toBe(r.metrics.errors);
    // Each reset is a failed request; its resend is another request.
    expect(r.metrics.errorRate).toBeGreaterThan(0.15);
    expect(Object.keys(r.errorSamples).join()).toMatch(/sent again/);
  });

  it('more connections than the open-files limit allows: exit 2 before any traffic, saying how to raise it', async () => {
    server = await startServer(fixedDelay(1));
    const url = server.url;
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const cmd = `ulimit -n 256; exec "${process.execPath}" "${BIN}" run --url ${url} --connections 1000 --duration 1s`;
      const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /1000 connections need about \d+ open files, more than the open-files limit of 256 \(`ulimit -n`\)/,
    );
    expect(server.counts.size).toBe(0);
  });

  it('an absurd publish rate on the demo broker ends on time too, every publish accounted for', async () => {
    const dir = tempDir();
    const scenario = join(dir, 'ev.yaml');
    writeFileSync(
      scenario,
      'events:\n  broker: demo\n  drain: 1s\n  queues:\n    - { name: q, queue: q, consumers: 1, json: { n: "{{seq}}" } }\n' +
        'load: { rate: 100000000, duration: 2s, maxInFlight: 50 }\nslos: []\n',
    );
    const out = join(dir, 'r.json');
    const started = Date.now();
    const run = await runCli(['run', scenario, '-q', '--out', out], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const r = readResult(out);
    expect(r.metrics.requests + r.metrics.dropped).toBe(200_000_000);
  });

  it('an absurd flow rate ends on time too, every iteration accounted for', async () => {
    server = await startServer(fixedDelay(5));
    const dir = tempDir();
    const scenario = join(dir, 'flow.yaml');
    writeFileSync(
      scenario,
      `services: { api: "${server.url}" }\nload: { rate: 100000000, duration: 2s, maxInFlight: 50 }\nslos: []\n` +
        'flows:\n  - name: buy\n    steps:\n      - { name: look, service: api, path: / }\n',
    );
    const out = join(dir, 'r.json');
    const started = Date.now();
    const run = await runCli(['run', scenario, '-q', '--out', out], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const r = readResult(out);
    expect(r.metrics.requests + r.metrics.dropped).toBe(200_000_000);
  });
});
