import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../errors.js';
import { DEMOS, demoNames, startDemo, type RunningDemo } from './launch.js';

const started: RunningDemo[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()));
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('demo launcher', () => {
  it('lists the registered demos, each with a description', () => {
    expect(demoNames()).toEqual(['monolith', 'microservices', 'grpc', 'websocket']);
    for (const name of demoNames()) expect(DEMOS[name].description.length).toBeGreaterThan(0);
  });

  it('starts the monolith in its own process on 127.0.0.1 and stops it', async () => {
    const demo = await startDemo('monolith');
    started.push(demo);
    expect(demo.name).toBe('monolith');
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.pid).not.toBe(process.pid);
    expect(isAlive(demo.pid)).toBe(true);

    const res = await fetch(`${demo.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });

    await demo.stop();
    expect(() => process.kill(demo.pid, 0)).toThrow();
    await demo.stop(); // idempotent
  });

  it('stops promptly even with an idle keep-alive connection open', async () => {
    const demo = await startDemo('monolith');
    started.push(demo);
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${demo.url}/users/1`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const t0 = performance.now();
    await demo.stop();
    expect(performance.now() - t0).toBeLessThan(2_000); // well under the SIGKILL escalation
    agent.destroy();
  });

  it('throws a RunError with the child stderr when the demo dies before it is ready', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const attempt = startDemo('monolith', { port });
      await expect(attempt).rejects.toThrow(RunError);
      await expect(attempt).rejects.toThrow(/exited with code 3 before it was ready:[\s\S]*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('throws a RunError and kills the child when it is not ready in time', async () => {
    const attempt = startDemo('monolith', { timeoutMs: 1 });
    await expect(attempt).rejects.toThrow(RunError);
    await expect(attempt).rejects.toThrow(/did not report ready within 1 ms/);
  });
});
