import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

/** Runs a snippet of the benchmark's own modules (plain JS, outside the typed build) and returns its JSON output. */
function benchEval(code: string): unknown {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('events bench, Kafka leg', () => {
  it('is skipped with the reason when BACKEND_BENCH_KAFKA_BROKERS names no broker, and the table says so', () => {
    const env = { ...process.env };
    delete env.BACKEND_BENCH_KAFKA_BROKERS;
    const code = `import { eventThroughput, formatEventThroughput } from './bench/events.js';
      const settings = { rates: [100], seconds: 1, rounds: 1, brokers: ['kafka'], window: 1000, bytes: 256, drain: 1 };
      const report = await eventThroughput(settings, () => undefined);
      console.log(JSON.stringify({ results: report.results, table: formatEventThroughput(report) }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    const { results, table } = JSON.parse(run.stdout) as { results: unknown; table: string };
    expect(results).toEqual([{ broker: 'kafka', skipped: 'BACKEND_BENCH_KAFKA_BROKERS is not set' }]);
    expect(table).toMatch(/^kafka +skipped: +BACKEND_BENCH_KAFKA_BROKERS is not set/m);
  });
});

describe('bench prerequisites', () => {
  it('asks only for what the selected sections run', () => {
    // A machine with every file and every program but wrk.
    const missing = (sections: string): unknown =>
      benchEval(
        `import { missingPrerequisites } from './bench/lib/setup.js';
         const sections = ${JSON.stringify(sections)}.split(',');
         console.log(JSON.stringify(missingPrerequisites(sections, () => true, (b) => b !== 'wrk')));`,
      );
    expect(missing('h2')).toEqual([]);
    expect(missing('h2,startup,open,memory')).toEqual([]);
    expect(missing('throughput')).toEqual(['wrk (apt-get install -y wrk)']);
  });

  it('names a missing h2load for the h2 section, and nothing for start-up', () => {
    const missing = benchEval(
      `import { missingPrerequisites } from './bench/lib/setup.js';
       console.log(JSON.stringify([missingPrerequisites(['h2'], () => true, (b) => b !== 'h2load'),
         missingPrerequisites(['startup'], () => true, () => false)]));`,
    );
    expect(missing).toEqual([['h2load (apt-get install -y nghttp2-client)'], []]);
  });

  it('puts the HTTP/2 section in the Markdown summary, with the bare node:http2 loop beside h2load', () => {
    const md = benchEval(
      `import { summaryMarkdown } from './bench/summary.js';
       const tools = { h2load: { medianRps: 30000, cpuUsPerRequest: 9.7, netCpuUsPerRequest: 9.1 },
         'backend-bench': { medianRps: 15000, cpuUsPerRequest: 55, netCpuUsPerRequest: 44 }, 'node:http2 loop': { medianRps: 16000, cpuUsPerRequest: 50, netCpuUsPerRequest: 42 } };
       const machine = { date: 'd', cpu: 'c', cores: 2, memoryGiB: 4, kernel: 'k', node: 'v20',
         targetCpu: '1', generatorCpu: '0', generatorCpusForWorkers: '0' };
       const http2 = { target: 'nginx-h2', connections: 4, streams: 10, seconds: 8, rounds: 3, tools,
         ratioToH2load: 0.5, ratioToPlainLoop: 0.94, loopToH2load: 0.53 };
       console.log(JSON.stringify(summaryMarkdown({ machine, http2 })));`,
    ) as string;
    const rows = md.split('\n').filter((l) => l.startsWith('| HTTP/2') || l.includes('ratios (HTTP/2)'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('| h2load | 30000 rps | 9.7 µs CPU/req (9.1 net of start-up) |');
    expect(rows[2]).toContain('| node:http2 loop | 16000 rps | 50 µs CPU/req (42 net of start-up) |');
    expect(rows[3]).toContain('| backend-bench | 0.5× h2load | 0.94× node:http2 loop |');
  });
});
