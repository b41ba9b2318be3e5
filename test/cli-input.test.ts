import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

const GOOD = `
name: t
target: http://127.0.0.1:9
load: { rate: 10, duration: 1s }
requests:
  - path: /
`;

function scenario(name: string, content: string | Buffer): string {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

/** Every bad input exits 2 with one clear message naming the file (and line and field where there is one). */
describe('bad input', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['malformed.yaml', 'name: [unclosed\ntarget: x', /malformed\.yaml:\d+:\d+: invalid YAML/],
    ['empty.yaml', '   \n', /empty\.yaml: scenario file is empty/],
    ['binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]), /binary\.yaml: not a text file/],
    ['list.yaml', '- a\n- b\n', /list\.yaml: 1 problem\n\s+a scenario is a mapping/],
    [
      'shape.yaml',
      'target: 3\nload: { rate: -1, duration: forever }\nrequests: []\nextra: 1\n',
      /shape\.yaml: \d problems[\s\S]*shape\.yaml:2:\d+ load\.rate[\s\S]*load\.duration: not a duration[\s\S]*requests[\s\S]*unknown field extra/,
    ],
    [
      'bomb.yaml',
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
      /bomb\.yaml: invalid YAML: .*alias/i,
    ],
    [
      'badurl.yaml',
      GOOD.replace('http://127.0.0.1:9', 'ftp://user:hunter2@127.0.0.1/'),
      /badurl\.yaml[\s\S]*unsupported URL scheme ftp:/,
    ],
    ['badslo.yaml', `${GOOD}slos: ["p96 < 200ms"]\n`, /badslo\.yaml[\s\S]*slos\[0\]: .*unknown metric "p96"/],
    ['badscope.yaml', `${GOOD}slos: ["nope: p95 < 200ms"]\n`, /badscope\.yaml[\s\S]*no request named "nope"/],
    [
      'badtemplate.yaml',
      GOOD.replace('path: /', 'path: /{{sequ}}'),
      /badtemplate\.yaml[\s\S]*requests\[0\]\.path: .*\{\{sequ\}\}/,
    ],
    [
      'noenv.yaml',
      GOOD.replace('path: /', 'path: /${BB_SURELY_UNSET_VAR}'),
      /noenv\.yaml:6:\d+ requests\[0\]\.path: environment variable BB_SURELY_UNSET_VAR is not set/,
    ],
  ];

  for (const [name, content, expected] of cases) {
    it(`${name}: exit 2, message names the file, no stack trace`, async () => {
      const run = await runCli(['run', scenario(name, content)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(run.stderr).not.toContain('hunter2');
      expect(run.stdout).toBe('');
    });
  }

  it('a missing file exits 2 naming it', async () => {
    const run = await runCli(['run', 'scenarios/does-not-exist.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('backend-bench: scenarios/does-not-exist.yaml: cannot read scenario: no such file\n');
  });

  it('--debug shows the stack trace', async () => {
    const run = await runCli(['run', 'scenarios/does-not-exist.yaml', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('bad flags exit 2', async () => {
    expect((await runCli(['run', '--url', 'http://127.0.0.1:9', '--rate', 'lots'])).code).toBe(2);
    expect((await runCli(['run', '--url', 'not a url', '--rate', '5'])).code).toBe(2);
    expect((await runCli(['run', '--url', 'http://127.0.0.1:9'])).stderr).toMatch(
      /needs --rate N .* or --connections N/,
    );
    expect((await runCli(['run', '--bogus-flag'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('validate accepts every shipped scenario without sending traffic', async () => {
    const run = await runCli(['validate', 'scenarios/monolith.yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/monolith\.yaml: ok \(open model, 3 requests, 4 SLOs\)/);
  });
});
