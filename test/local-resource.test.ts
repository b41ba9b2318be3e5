import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

/** Runs the built HTTP engine in a child whose open-files limit is 256, with more connections than that. */
function engineUnderLowLimit(url: string, connections: number): Promise<{ code: number | null; out: string }> {
  const dist = (p: string): string => pathToFileURL(join(ROOT, 'dist', p)).href;
  const script = join(tempDir(), 'engine.mjs');
  writeFileSync(
    script,
    `
import { ClosedModelEngine } from '${dist('engines/http/closed-model.js')}';
import { validateScenario } from '${dist('scenario/load.js')}';
import { planScenario } from '${dist('scenario/plan.js')}';
import { IntervalRecorder } from '${dist('metrics/interval-recorder.js')}';
import { RunAggregator } from '${dist('metrics/run-aggregator.js')}';
const url = ${JSON.stringify(url)};
const scenario = { target: url, load: { connections: ${connections}, duration: '1500ms' }, requests: [{ path: '/' }] };
const plan = planScenario(validateScenario(scenario, 'test'));
const names = plan.requests.map((r) => r.name);
const recorder = new IntervalRecorder(names);
const aggregator = new RunAggregator(names);
await new ClosedModelEngine().run(plan, { baseUrl: url, feed: undefined }, recorder, AbortSignal.timeout(10000));
recorder.flush(1500, (s) => aggregator.add(s));
process.stdout.write(JSON.stringify({ errorsByKind: aggregator.errorsByKind, metrics: aggregator.metrics() }));
`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `ulimit -n 256; exec "${process.execPath}" "${script}"`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('faults: the generator running out of file descriptors', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('EMFILE mid-run is local_resource, never a request or an error of the target', async () => {
    server = await startServer(fixedDelay(5));
    const { code, out } = await engineUnderLowLimit(server.url, 400);
    expect(code).toBe(0);
    const r = JSON.parse(out) as {
      errorsByKind: Record<string, number>;
      metrics: { requests: number; errors: number; errorRate: number };
    };
    expect(r.errorsByKind.local_resource).toBeGreaterThan(0);
    expect(r.metrics.requests).toBeGreaterThan(0);
    expect(r.metrics.errors).toBe(0);
    expect(r.metrics.errorRate).toBe(0);
  });
});
