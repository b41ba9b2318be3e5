import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputWarnings } from '../reporters/output-warnings.js';
import type { LiveUpdate, Reporter } from '../reporters/reporter.js';
import { executeRun, resolvePlan } from './run.js';

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('executeRun with reporters that are slow or fail', () => {
  it('awaits a slow reporter before onEnd, warns once about a failing one, and still ends the run', async () => {
    const heard: string[] = [];
    // Each interval takes 1.5 s to handle: longer than the tick, so handling overlaps the load.
    const slow: Reporter = {
      name: 'slow',
      onInterval: async (u: LiveUpdate) => {
        const second = Math.round(u.elapsedMs / 1000);
        await delay(1500);
        heard.push(`interval ${second}`);
      },
      onEnd: () => void heard.push('end'),
    };
    const failing: Reporter = {
      name: 'broken',
      onInterval: () => Promise.reject(new Error('exporter gone')),
      onEnd: () => void heard.push('broken end'),
    };
    const warnings: string[] = [];
    const outputWarnings = new OutputWarnings((line) => warnings.push(line));
    const plan = await resolvePlan(undefined, { url, rate: '20', duration: '2s' });
    const began = Date.now();
    const { result } = await executeRun(plan, [slow, failing], new AbortController().signal, {}, outputWarnings);
    // Load was not stretched by the slow reporter beyond its own handling at the end.
    expect(Date.now() - began).toBeLessThan(2000 + 3 * 1500 + 2000);
    expect(result.metrics.requests).toBeGreaterThanOrEqual(35);
    expect(heard.at(-1)).toBe('end');
    expect(heard.filter((h) => h.startsWith('interval')).length).toBeGreaterThanOrEqual(2);
    expect(heard).not.toContain('broken end');
    expect(warnings).toEqual(['backend-bench: warning: broken: failed (exporter gone); the run goes on without it']);
    expect(result.warnings).toEqual(['broken: failed (exporter gone); the run goes on without it']);
    expect(result.interrupted).toBe(false);
  }, 20_000);
});
