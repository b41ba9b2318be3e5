import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

describe('faults: stopped runs end with an honest, written result', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('SIGTERM exits 143 and still writes the result, marked interrupted', async () => {
    server = await startServer(fixedDelay(5));
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', '--url', server.url, '--rate', '50', '--duration', '60s', '-q', '--out', out], {
      onSpawn: (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 2500),
    });
    expect(run.code, run.stderr).toBe(143);
    const r = readResult(out);
    expect(r.interrupted).toBe(true);
    expect(r.metrics.requests).toBeGreaterThan(20);
  });

  it('requests unanswered at Ctrl-C are unfinished, with the time they waited: a stalled target cannot pass', async () => {
    server = await startServer(() => undefined); // never answers
    const out = join(tempDir(), 'r.json');
    const args = ['run', '--url', server.url, '--rate', '20', '--duration', '60s', '--timeout', '30s'];
    const run = await runCli([...args, '--slo', 'p95 < 500ms', '--out', out], {
      onSpawn: (pid) => setTimeout(() => process.kill(pid, 'SIGINT'), 3000),
    });
    expect(run.code, run.stderr).toBe(130);
    const r = readResult(out);
    expect(r.interrupted).toBe(true);
    expect(r.pass).toBe(false);
    expect(r.errorsByKind.unfinished).toBeGreaterThan(10);
    expect(r.errorsByKind.unfinished).toBe(r.metrics.requests);
    expect(r.metrics.latencyMs.p95).toBeGreaterThanOrEqual(500);
    expect(run.stdout).toMatch(/interrupted: partial result, \d+ requests unfinished/);
  });

  it('a second Ctrl-C writes what the result holds within a second, rather than quitting without it', async () => {
    server = await startServer(() => undefined);
    const out = join(tempDir(), 'r.json');
    let secondAt = 0;
    const args = ['run', '--url', server.url, '--rate', '20', '--duration', '60s', '--timeout', '30s', '-q'];
    const run = await runCli([...args, '--out', out], {
      onSpawn: (pid) =>
        setTimeout(() => {
          process.kill(pid, 'SIGINT');
          setTimeout(() => {
            secondAt = Date.now();
            process.kill(pid, 'SIGINT');
          }, 100);
        }, 2500),
    });
    const tookMs = Date.now() - secondAt;
    expect(run.code, run.stderr).toBe(130);
    expect(existsSync(out)).toBe(true);
    expect(readResult(out)).toMatchObject({ interrupted: true });
    // Under a loaded machine the process may need a little past the second to exit once written.
    expect(tookMs).toBeLessThan(2500);
  });

  it('a flow step unanswered at Ctrl-C is unfinished too', async () => {
    server = await startServer(() => undefined);
    const dir = tempDir();
    const scenario = join(dir, 'flow.yaml');
    writeFileSync(
      scenario,
      `services: { api: { url: "${server.url}", timeout: 30s } }\nload: { rate: 10, duration: 60s }\n` +
        'flows:\n  - name: buy\n    steps:\n      - { name: look, service: api, path: / }\n',
    );
    const out = join(dir, 'r.json');
    const run = await runCli(['run', scenario, '--no-default-slos', '-q', '--out', out], {
      onSpawn: (pid) => setTimeout(() => process.kill(pid, 'SIGINT'), 3000),
    });
    expect(run.code, run.stderr).toBe(130);
    const r = readResult(out);
    expect(r.errorsByKind.unfinished).toBeGreaterThan(5);
    expect(r.metrics.latencyMs.max).toBeGreaterThanOrEqual(1000);
  });
});
