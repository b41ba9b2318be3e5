import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, tempDir } from './support/cli.js';
import { closedPort, startServer, type TestServer } from './support/servers.js';

/**
 * Hostile and mistaken input (issues 13 and 16): each case ends in exit 2 with one clear message before any
 * traffic, or in a run that does what the user meant.
 */

function write(name: string, content: string | Buffer): string {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

const scenario = (target: string, extra = '', request = '  - path: /\n'): string =>
  `name: t\ntarget: ${target}\nload: { rate: 10, duration: 1s }\nrequests:\n${request}${extra}`;

/** Exit 2, the message on stderr, nothing on stdout, no stack trace. */
async function expectRefused(args: string[], message: RegExp): Promise<string> {
  const run = await runCli(args, { timeoutMs: 20_000 });
  expect(run.code, run.stderr + run.stdout).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?/);
  expect(run.stdout).toBe('');
  return run.stderr;
}

describe('bounded input', () => {
  it('refuses an endless scenario path (/dev/zero) after its size limit, quickly', async () => {
    const started = Date.now();
    const stderr = await expectRefused(['validate', '/dev/zero'], /\/dev\/zero: scenario is larger than 1 MiB/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a 50 MB scenario file without reading it whole', async () => {
    const file = join(tempDir(), 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    await expectRefused(['run', file], /huge\.yaml: scenario is larger than 1 MiB\n$/);
  });

  it('names the line of invalid UTF-8 instead of replacing it', async () => {
    const text = Buffer.concat([
      Buffer.from(scenario('http://127.0.0.1:9').replace('name: t', 'name: ok')),
      Buffer.from('# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    await expectRefused(['validate', write('latin1.yaml', text)], /latin1\.yaml:6: invalid UTF-8/);
  });

  it('refuses a data file above data.maxBytes, and /dev/zero as a data file, quickly', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.csv'), `email\n${'a@x\n'.repeat(2000)}`);
    const data = (file: string, max = ''): string =>
      scenario('http://127.0.0.1:9', `data: { file: ${file}${max} }\n`, '  - path: /{{row.email}}\n');
    const big = join(dir, 'big.yaml');
    writeFileSync(big, data('users.csv', ', maxBytes: 1000'));
    await expectRefused(['validate', big], /users\.csv: data file is larger than data\.maxBytes \(1000 bytes\)/);
    writeFileSync(join(dir, 'ok.yaml'), data('users.csv'));
    expect((await runCli(['validate', join(dir, 'ok.yaml')])).code).toBe(0);
    const zero = join(dir, 'zero.yaml');
    writeFileSync(zero, data('/dev/zero'));
    const started = Date.now();
    await expectRefused(['run', zero], /\/dev\/zero: data file is not text/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('validate checks that the data file exists', async () => {
    const file = write(
      'nodata.yaml',
      scenario('http://127.0.0.1:9', 'data: { file: missing.csv }\n', '  - path: /{{row.id}}\n'),
    );
    await expectRefused(['validate', file], /missing\.csv: cannot read data file \(not found\)/);
  });

  it('bounds generated sizes: randomString above 1 MiB and a randomInt range beyond 2^53', async () => {
    const rs = write('rs.yaml', scenario('http://127.0.0.1:9', '', '  - path: "/{{randomString 100000000}}"\n'));
    await expectRefused(['validate', rs], /rs\.yaml:5:\d+ requests\[0\]\.path: randomString 100000000 is above/);
    const ri = write(
      'ri.yaml',
      scenario('http://127.0.0.1:9', '', '  - path: "/{{randomInt -9007199254740991 9007199254740991}}"\n'),
    );
    await expectRefused(['validate', ri], /randomInt range is too wide/);
  });
});

describe('numbers, timeouts, templates and SLOs that cannot apply', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startServer((_req, res) => res.end('ok'))));
  afterAll(() => server.close());

  it('accepts 1e1 and other number forms from flags, and names a non-number as such', async () => {
    const run = await runCli([
      'run',
      '--url',
      `${server.url}/`,
      '--rate',
      '1e1',
      '--duration',
      '1s',
      '--slo',
      'requests >= 5',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const file = write('fast.yaml', scenario(server.url).replace('rate: 10', 'rate: fast'));
    await expectRefused(['validate', file], /fast\.yaml:3:\d+ load\.rate: not a number: "fast"/);
    await expectRefused(['run', '--url', server.url, '--connections', '2.5e', '--duration', '1s'], /not a number/);
  });

  it('refuses --timeout 0', async () => {
    await expectRefused(
      ['run', '--url', server.url, '--rate', '5', '--duration', '1s', '--timeout', '0'],
      /target\.timeout: a timeout must be more than 0/,
    );
  });

  it('names the field inside a target mapping, not the union (target: Invalid input)', async () => {
    const target = `\n  url: ${server.url}\n  timeout: soon\n  tls:\n    ca: 5\n  http: 3`;
    const stderr = await expectRefused(['validate', write('target.yaml', scenario(target))], /3 problems/);
    expect(stderr).toMatch(/target\.yaml:4:12 target\.timeout: not a duration: "soon"/);
    expect(stderr).toMatch(/target\.yaml:6:9 target\.tls\.ca: .*expected string/);
    expect(stderr).toMatch(/target\.yaml:7:\d+ target\.http: Invalid option: expected one of 1\|2\|"1"\|"2"\|"auto"/);
    expect(stderr).not.toMatch(/Invalid input$/m);
  });

  it('refuses {{vars.x}} outside a flow before any traffic', async () => {
    const file = write('vars.yaml', scenario(server.url, '', '  - path: "/{{vars.x}}"\n'));
    const before = server.counts.size;
    await expectRefused(['run', file], /vars\.yaml:5:\d+ requests\[0\]: uses \{\{vars\.x\}\}, but variables are only/);
    expect(server.counts.size).toBe(before);
  });

  it('refuses SLOs that cannot apply: an event metric on a request run, a fractional count, an ambiguous ratio', async () => {
    const file = write(
      'slos.yaml',
      scenario(server.url, 'slos:\n  - lost = 0\n  - errors = 0.5\n  - error_rate < 1\n'),
    );
    const stderr = await expectRefused(['run', file], /3 problems/);
    expect(stderr).toMatch(/slos\.yaml:7:\d+ slos\[0\]: lost is measured on event runs only/);
    expect(stderr).toMatch(/slos\.yaml:8:\d+ slos\[1\]: errors is a count: 0\.5 is not a whole number/);
    expect(stderr).toMatch(/slos\.yaml:9:\d+ slos\[2\]: error_rate 1 is ambiguous .*write 1% \(or 0\.01\)/);
  });
});

describe('validation lists every problem in one pass, each at its own line', () => {
  it('a schema error does not hide a template error on another line', async () => {
    const file = write(
      'both.yaml',
      scenario('http://127.0.0.1:9', 'slos: ["p96 < 1s"]\n', '  - path: /{{sequ}}\n').replace('rate: 10', 'rate: fast'),
    );
    const stderr = await expectRefused(['validate', file], /both\.yaml: 3 problems/);
    const lines = stderr.split('\n').slice(1, 4);
    expect(lines[0]).toMatch(/both\.yaml:3:\d+ load\.rate: not a number/);
    expect(lines[1]).toMatch(/both\.yaml:5:\d+ requests\[0\]\.path: unknown template expression "\{\{sequ\}\}"/);
    expect(lines[2]).toMatch(/both\.yaml:6:\d+ slos\[0\]: .*unknown metric "p96"/);
  });

  it('tells to quote an unquoted scoped SLO, which YAML reads as a mapping', async () => {
    const file = write('unquoted.yaml', scenario('http://127.0.0.1:9', 'slos:\n  - list-users: p95 < 200ms\n'));
    await expectRefused(
      ['validate', file],
      /unquoted\.yaml:7:\d+ slos\[0\]: quote it: write "list-users: p95 < 200ms"/,
    );
  });

  it('reports an unknown request named in an SLO at that SLO’s line', async () => {
    const file = write(
      'scope.yaml',
      scenario('http://127.0.0.1:9', 'slos:\n  - p95 < 1s\n  - "nope: p95 < 200ms"\n', '  - { name: a, path: / }\n'),
    );
    await expectRefused(['validate', file], /scope\.yaml:8:\d+ slos\[1\]: slo "nope: p95 < 200ms": no request named/);
  });

  it('a schema error does not hide an unknown request named in an SLO either', async () => {
    const file = write(
      'scope-and-rate.yaml',
      scenario('http://127.0.0.1:9', 'slos:\n  - "nope: p95 < 200ms"\n', '  - { name: a, path: / }\n').replace(
        'rate: 10',
        'rate: fast',
      ),
    );
    const stderr = await expectRefused(['validate', file], /scope-and-rate\.yaml: 2 problems/);
    expect(stderr).toMatch(/scope-and-rate\.yaml:3:\d+ load\.rate: not a number/);
    expect(stderr).toMatch(
      /scope-and-rate\.yaml:7:\d+ slos\[0\]: slo "nope: p95 < 200ms": no request named "nope" \(known: a\)/,
    );
  });
});

describe('users’ intent honoured', () => {
  let server: TestServer;
  const bodies: string[] = [];
  beforeAll(async () => {
    server = await startServer((_req, res, body) => {
      if (bodies.length < 50) bodies.push(body);
      res.end('ok');
    });
  });
  afterAll(() => server.close());

  it('sends a __proto__ key of a json body as data, and renders its neighbours', async () => {
    const file = write(
      'proto.yaml',
      scenario(
        server.url,
        '',
        '  - method: POST\n    path: /\n    json: { __proto__: { a: "{{seq}}" }, constructor: "c{{seq}}", n: "{{seq}}" }\n',
      ),
    );
    bodies.length = 0;
    const run = await runCli(['run', file, '--no-default-slos']);
    expect(run.code, run.stderr).toBe(0);
    expect(bodies.length).toBeGreaterThan(0);
    const body = JSON.parse(bodies[0] as string) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(body)).toEqual(['__proto__', 'constructor', 'n']);
    expect(typeof body.n).toBe('number');
    expect(body.constructor).toMatch(/^c\d+$/);
    expect(JSON.stringify(bodies[0])).toMatch(/\\"__proto__\\":\{\\"a\\":\d+\}/);
  });

  it('sends URL credentials as Basic auth and never prints them', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const url = `http://alice:s3cr3t-pw@127.0.0.1:${server.port}/`;
    const run = await runCli([
      'run',
      '--url',
      url,
      '--rate',
      '5',
      '--duration',
      '1s',
      '--out',
      out,
      '--no-default-slos',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const basic = `Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`;
    expect(server.seen.at(-1)?.authorization).toBe(basic);
    const everything = run.stdout + run.stderr + JSON.stringify(readResult(out));
    expect(everything).not.toContain('s3cr3t-pw');
    expect(everything).not.toContain(basic.slice(6));
  });

  it('--duration scales the stages of a file to the new total', async () => {
    const file = write(
      'stages.yaml',
      `name: s\ntarget: ${server.url}\nload:\n  stages:\n    - { duration: 10s, rate: 10 }\n    - { duration: 30s, rate: 10 }\nrequests:\n  - path: /\nslos: []\n`,
    );
    const out = join(tempDir(), 'r.json');
    const run = await runCli(['run', file, '--duration', '2s', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const result = readResult(out);
    expect(result.durationMs).toBeGreaterThanOrEqual(1900);
    expect(result.durationMs).toBeLessThan(4000);
    // Ramp 0 → 10/s over 0.5 s, then 10/s for 1.5 s: 2.5 + 15 arrivals.
    expect(result.metrics.requests).toBeGreaterThanOrEqual(15);
    expect(result.metrics.requests).toBeLessThanOrEqual(19);
  });
});

it('run scenarios/monolith.yaml --duration 2s runs its stages scaled to 2 s', async () => {
  const out = join(tempDir(), 'r.json');
  const run = await runCli(['run', 'scenarios/monolith.yaml', '--duration', '2s', '--out', out, '--quiet']);
  // 0 or 1: the file's own SLOs judge a loaded machine; what matters is that the stages were kept, not refused.
  expect([0, 1], run.stderr).toContain(run.code);
  const result = readResult(out);
  expect(result.durationMs).toBeGreaterThanOrEqual(1900);
  expect(result.durationMs).toBeLessThan(4000);
  // 2s + 6s + 2s of ramp/hold/ramp at 100/s is 800 arrivals; scaled by 1/5 it is 160.
  expect(result.metrics.requests + result.metrics.dropped).toBeGreaterThanOrEqual(150);
  expect(result.metrics.requests + result.metrics.dropped).toBeLessThanOrEqual(170);
});

describe('default SLOs', () => {
  it('judge a run without SLOs on p95 < 200ms and error_rate < 1%, and say so', async () => {
    const port = await closedPort();
    const args = ['run', '--url', `http://127.0.0.1:${port}/`, '--rate', '20', '--duration', '2s'];
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/SLOs \(default SLOs: the scenario sets none\)/);
    expect(run.stdout).toMatch(/error_rate < 1%/);
    expect(run.stdout).toMatch(/FAIL {2}\d of 2 default SLOs failed/);
    const off = await runCli([...args, '--no-default-slos']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/no SLOs defined/);
  });

  it('slos: [] in the file turns them off', async () => {
    const port = await closedPort();
    const file = write('none.yaml', scenario(`http://127.0.0.1:${port}`, 'slos: []\n'));
    const run = await runCli(['run', file]);
    expect(run.code, run.stderr).toBe(0);
    const validated = await runCli(['validate', write('dflt.yaml', scenario(`http://127.0.0.1:${port}`))]);
    expect(validated.stdout).toMatch(/ok \(open model, 1 requests, 2 default SLOs\)/);
  });
});
