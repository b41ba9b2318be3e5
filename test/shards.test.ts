import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram, mergeHistograms, summarizeHistogram } from '../src/metrics/histogram.js';
import type { RunResult } from '../src/result/run-result.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

const SHARDS = 3;

/** Paths "GET /r/<seq>/<row>" the server answered, as [seq, row] pairs. */
function seqRows(server: TestServer): [number, string][] {
  const out: [number, string][] = [];
  for (const [key, n] of server.counts) {
    const m = /^GET \/r\/(\d+)\/(\w+)$/.exec(key);
    if (m !== null) for (let i = 0; i < n; i++) out.push([Number(m[1]), m[2] as string]);
  }
  return out;
}

describe('--shard i/n and merge: shards of one run merge exactly into one result with one SLO verdict', () => {
  let server: TestServer;
  let dir: string;
  let shardFiles: string[];
  let shards: RunResult[];
  let shardCodes: (number | null)[];

  beforeAll(async () => {
    server = await startServer(fixedDelay(3));
    dir = tempDir();
    writeFileSync(join(dir, 'rows.csv'), `id\n${['a', 'b', 'c', 'd', 'e', 'f'].join('\n')}\n`);
    // Each shard alone fails "requests >= 500" (it sends 200); together they pass it.
    writeFileSync(
      join(dir, 's.yaml'),
      `name: split\ntarget: ${server.url}\nload: { rate: 300, duration: 2s }\ndata: { file: rows.csv }\n` +
        `requests: [{ name: item, path: "/r/{{seq}}/{{row.id}}" }]\nslos: ["requests >= 500", "item: p99 < 2s"]\n`,
    );
    shardFiles = Array.from({ length: SHARDS }, (_, i) => join(dir, `shard-${i + 1}.json`));
    // Started as a user would start shards: apart, each waiting for one instant before its load.
    const startAt = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000).toISOString();
    const runs = await Promise.all(
      shardFiles.map((out, i) =>
        runCli([
          'run',
          join(dir, 's.yaml'),
          '--shard',
          `${i + 1}/${SHARDS}`,
          '--start-at',
          startAt,
          '-q',
          '--out',
          out,
        ]),
      ),
    );
    shardCodes = runs.map((r) => r.code);
    shards = shardFiles.map(readResult);
  });
  afterAll(() => server.close());

  it('each shard ran its third of the arrivals, with its own rows and sequence numbers, and says which shard it was', () => {
    expect(shardCodes).toEqual([1, 1, 1]);
    expect(shards.map((r) => r.shard)).toEqual([1, 2, 3].map((index) => ({ index, count: SHARDS })));
    expect(shards.map((r) => r.metrics.requests)).toEqual([200, 200, 200]);
    const seen = seqRows(server);
    expect(seen.map(([seq]) => seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const rowsOf = (s: number): string[] =>
      [...new Set(seen.filter(([seq]) => seq % SHARDS === s).map(([, row]) => row))].sort();
    expect([rowsOf(0), rowsOf(1), rowsOf(2)]).toEqual([
      ['a', 'd'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    for (const r of shards) expect(r.histograms.timeseries?.length).toBe(r.timeseries.length);
  });

  it('merge: counts equal what the server saw, percentiles equal all shards histograms added, SLOs judged once', async () => {
    const out = join(dir, 'merged.json');
    const run = await runCli(['merge', ...shardFiles, '--out', out, '--junit', join(dir, 'merged.xml')]);
    expect(run.code, run.stderr).toBe(0);
    const m = readResult(out);
    expect(m.metrics.requests).toBe(600);
    expect(m.metrics.requests).toBe(seqRows(server).length);
    expect(m.metrics.errors).toBe(0);
    expect(m.byRequest.item?.requests).toBe(600);
    const all = mergeHistograms(shards.map((r) => decodeHistogram(r.histograms.total)));
    expect(all.totalCount).toBe(600);
    expect(m.metrics.latencyMs).toEqual(summarizeHistogram(all));
    expect(m.byRequest.item?.latencyMs).toEqual(summarizeHistogram(all));
    // The rate is over the seconds when all three ran, and the result says so.
    expect(m.mergedWindow?.rateFrom).toBe('overlap');
    expect(m.mergedWindow?.overlapMs).toBeGreaterThan(1000);
    expect(m.metrics.rps).toBeGreaterThan(200);
    expect(m.metrics.rps).toBeLessThan(400);
    expect(m.byRequest.item?.rps).toBe(m.metrics.rps);
    expect(m.timeseries.reduce((n, p) => n + p.requests, 0)).toBe(600);
    expect(m.mergedFrom?.map((f) => f.shard?.index)).toEqual([1, 2, 3]);
    expect(m.slos.map((v) => [v.expr, v.pass, v.value])).toEqual([
      ['requests >= 500', true, 600],
      ['item: p99 < 2000ms', true, m.byRequest.item?.latencyMs.p99],
    ]);
    expect(run.stdout).toMatch(/600 requests/);
    expect(run.stdout).toMatch(/\(open model, run \w+, merged from 3 results; rates over the \d+\.\ds all ran\)/);
    expect(readFileSync(join(dir, 'merged.xml'), 'utf8')).toMatch(/requests &gt;= 500/);
  });

  it('an incomplete set of shards is refused naming the missing ones, unless --allow-partial marks it partial', async () => {
    const refused = await runCli(['merge', shardFiles[0] as string]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/merge: 1 of 3 shards: missing shards 2\/3, 3\/3; .*--allow-partial/);
    const out = join(dir, 'partial.json');
    const run = await runCli([
      'merge',
      shardFiles[0] as string,
      shardFiles[2] as string,
      '--allow-partial',
      '--out',
      out,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/merging 2 of 3 shards: missing shard 2\/3: the result is marked partial/);
    expect(run.stdout).toMatch(/400 requests/);
    expect(run.stdout).toMatch(/partial: shards missing from the merge/);
    expect(readResult(out).partial).toBe(true);
    expect(readResult(join(dir, 'merged.json')).partial).toBeUndefined();
  });

  it('foreign, mismatched and repeated files exit 2 naming the file', async () => {
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, '{"hello": "world"}');
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...shards[1], scenario: 'something else' }));
    const cases: [string[], RegExp][] = [
      [[shardFiles[0] as string, foreign], /foreign\.json: not a backend-bench result/],
      [[shardFiles[0] as string, other], /other\.json: scenario "something else" \(open model\) does not match/],
      [[shardFiles[0] as string, shardFiles[0] as string], /shard-1\.json: shard 1\/3 again/],
      [[shardFiles[0] as string, join(dir, 'nope.json')], /nope\.json: cannot read/],
    ];
    for (const [files, message] of cases) {
      const run = await runCli(['merge', ...files]);
      expect(run.code, files.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('--start-at: shards wait for one instant before their load', () => {
  it('two shards started apart begin their load together', async () => {
    const server = await startServer(fixedDelay(2));
    try {
      const dir = tempDir();
      const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
      const files = [1, 2].map((i) => join(dir, `s${i}.json`));
      const shard = (i: number): ReturnType<typeof runCli> =>
        runCli(
          ['run', '--url', server.url, '--rate', '40', '--duration', '1s', '--shard', `${i}/2`].concat([
            '--start-at',
            at.toISOString(),
            '-q',
            '--out',
            files[i - 1] as string,
          ]),
        );
      const first = shard(1);
      await new Promise((r) => setTimeout(r, 800));
      const runs = await Promise.all([first, shard(2)]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      const starts = files.map((f) => Date.parse(readResult(f).startedAt));
      for (const s of starts) expect(s).toBeGreaterThanOrEqual(at.getTime());
      expect(Math.abs((starts[0] as number) - (starts[1] as number))).toBeLessThan(300);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('a time long past, more than an hour ahead, or without a zone is exit 2', async () => {
    const cases: [string, RegExp][] = [
      [new Date(Date.now() - 60_000).toISOString(), /was 6\d s ago: this shard would start out of step/],
      [new Date(Date.now() + 2 * 3_600_000).toISOString(), /more than 1 h ahead/],
      ['2026-11-30T12:00:00', /expected an ISO time with a zone/],
    ];
    for (const [at, message] of cases) {
      const run = await runCli([
        'run',
        '--url',
        'http://127.0.0.1:9/',
        '--rate',
        '1',
        '--duration',
        '1s',
        '--start-at',
        at,
      ]);
      expect(run.code, at).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('--shard in the closed model', () => {
  it('splits the connections so the shards sum to the whole, remainders to the first', async () => {
    const server = await startServer(fixedDelay(20));
    try {
      const dir = tempDir();
      const files = [1, 2, 3].map((i) => join(dir, `c${i}.json`));
      const runs = await Promise.all(
        files.map((out, i) =>
          runCli([
            'run',
            '--url',
            server.url,
            '--connections',
            '10',
            '--duration',
            '2s',
            '--shard',
            `${i + 1}/3`,
            '-q',
            '--out',
            out,
          ]),
        ),
      );
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      const results = files.map(readResult);
      expect(results.map((r) => Math.max(...r.timeseries.map((p) => p.inFlight)))).toEqual([4, 3, 3]);
      const merged = join(dir, 'm.json');
      expect((await runCli(['merge', ...files, '--out', merged])).code).toBe(0);
      expect(readResult(merged).metrics.requests).toBe(server.counts.get('GET /'));
    } finally {
      await server.close();
    }
  });
});
