import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.js';
import { interpolateEnv } from './env-interpolate.js';
import { loadScenario } from './load.js';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bb-load-')), 'scenario.yaml');
  writeFileSync(path, content);
  return path;
}

async function problemsOf(content: string): Promise<string[]> {
  try {
    await loadScenario(file(content));
  } catch (err) {
    if (err instanceof ScenarioError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('loadScenario', () => {
  it('loads a valid scenario with defaults applied', async () => {
    const { config } = await loadScenario(
      file('target: http://127.0.0.1:1\nload: { rate: 5, duration: 2s }\nrequests:\n  - path: /a\n'),
    );
    expect(config.load).toMatchObject({ rate: 5, duration: 2000 });
    expect(config.requests?.[0]).toMatchObject({ method: 'GET', path: '/a', weight: 1 });
    expect(config.slos).toBeUndefined(); // no key: the default budget applies (plan), unlike slos: []
  });

  it('lists every problem at once, each with line, column and field path', async () => {
    const problems = await problemsOf(
      [
        'target: { url: http://x, demo: monolith }', // 1
        'load:', // 2
        '  rate: 10', // 3
        '  connections: 5', // 4
        '  duration: 3 weeks', // 5
        'requests:', // 6
        '  - method: TRACEROUTE', // 7
        '    weight: -1', // 8
        '    bogus: 1', // 9
        'slos: [42]', // 10
      ].join('\n'),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/:1:\d+ target: set exactly one of url or demo/);
    expect(text).toMatch(/:5:\d+ load\.duration: not a duration: "3 weeks"/);
    expect(text).toMatch(/:7:\d+ requests\[0\]\.method: Invalid option/);
    expect(text).toMatch(/:8:\d+ requests\[0\]\.weight:/);
    expect(text).toMatch(/:9:\d+ requests\[0\]: unknown field bogus/);
    const lines = problems.map((p) => Number(/:(\d+):\d+ /.exec(p)?.[1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(text).toMatch(/:10:\d+ slos\[0\]:/);
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it('accepts numbers from the environment for numeric fields', async () => {
    process.env.BB_TEST_RATE = '25';
    try {
      const { config } = await loadScenario(
        file('target: http://127.0.0.1:1\nload: { rate: "${BB_TEST_RATE}", duration: 1s }\nrequests: [{ path: / }]\n'),
      );
      expect(config.load.rate).toBe(25);
    } finally {
      delete process.env.BB_TEST_RATE;
    }
  });

  it('reads JSON scenarios too', async () => {
    const { config } = await loadScenario(
      file('{"target":"http://127.0.0.1:1","load":{"connections":2,"duration":"1s"},"requests":[{"path":"/"}]}'),
    );
    expect(config.load.connections).toBe(2);
  });
});

describe('numbers and timeouts', () => {
  const base = (load: string, target = 'http://127.0.0.1:1'): string =>
    `target: ${target}\nload: ${load}\nrequests:\n  - path: /\n`;

  it('accepts every decimal form as a number, in YAML and as text', async () => {
    const { config } = await loadScenario(file(base('{ rate: "1e3", duration: 2s, maxInFlight: " 5 " }')));
    expect(config.load).toMatchObject({ rate: 1000, maxInFlight: 5 });
  });

  it('says "not a number" for text that is none', async () => {
    expect(await problemsOf(base('{ rate: fast, duration: 2s }'))).toEqual([
      expect.stringMatching(/:2:\d+ load\.rate: not a number: "fast" \(e\.g\. 200, 0\.5, 1e3\)$/),
    ]);
  });

  it('an unset variable does not hide a template error', async () => {
    const text =
      'target: http://127.0.0.1:1\nload: { rate: 1, duration: 2s }\nrequests:\n  - path: /${BB_UNSET_X}\n  - path: /{{sequ}}\n';
    const problems = await problemsOf(text);
    expect(problems.map((p) => p.replace(/^.*?:(\d+):\d+ /, '$1 ').split(':')[0])).toEqual([
      '4 requests[0].path',
      '5 requests[1].path',
    ]);
  });

  it('refuses a zero timeout', async () => {
    const problems = await problemsOf(base('{ rate: 1, duration: 2s }', '{ url: "http://127.0.0.1:1", timeout: 0 }'));
    expect(problems).toEqual([expect.stringMatching(/target\.timeout: a timeout must be more than 0/)]);
  });
});

describe('interpolateEnv', () => {
  const env = { HOST: 'example.test', EMPTY: '' };

  it('substitutes, applies defaults, and escapes $${', () => {
    const { value, problems } = interpolateEnv(
      { a: 'http://${HOST}/', b: ['${MISSING:-fallback}', '${EMPTY:-used}'], c: 'cost: $${HOST}', d: 5 },
      env,
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: 'http://example.test/', b: ['fallback', 'used'], c: 'cost: ${HOST}', d: 5 });
  });

  it('keeps a __proto__ key as data, not as the prototype', () => {
    const data = JSON.parse('{"json": {"__proto__": {"a": "${HOST}"}, "b": "${HOST}"}}') as unknown;
    const { value } = interpolateEnv(data, env);
    const json = (value as { json: object }).json;
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(JSON.stringify(json)).toBe('{"__proto__":{"a":"example.test"},"b":"example.test"}');
  });

  it('reports every unset variable with its path', () => {
    const { problems } = interpolateEnv({ x: { y: ['${NOPE1}', 'ok', '${NOPE2}'] } }, env);
    expect(problems.map((p) => [p.path, p.message.split(' ').slice(0, 3).join(' ')])).toEqual([
      [['x', 'y', 0], 'environment variable NOPE1'],
      [['x', 'y', 2], 'environment variable NOPE2'],
    ]);
  });
});
