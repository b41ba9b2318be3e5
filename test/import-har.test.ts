import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, tempDir } from './support/cli.js';

/** `backend-bench import har` on recordings of our own (test/fixtures/import/*.har); the browser one is apart. */
const FIXTURES = join('test', 'fixtures', 'import');

interface Step {
  name: string;
  path: string;
  headers?: Record<string, string>;
  json?: Record<string, unknown>;
  capture?: Record<string, unknown>;
  think?: string;
}

async function importHar(file: string, ...flags: string[]) {
  const out = join(tempDir('bb-har-'), 'journey.yaml');
  const run = await runCli(['import', 'har', file, '--out', out, ...flags]);
  const text = run.code === 0 ? readFileSync(out, 'utf8') : '';
  const doc = parse(text) as { services: Record<string, string>; flows: { name: string; steps: Step[] }[] } | null;
  return { ...run, out, text, steps: doc?.flows[0]?.steps ?? [], services: doc?.services };
}

describe('import har', () => {
  it('keeps the API requests, correlates token, CSRF header and ids, and prints what it correlated', async () => {
    const r = await importHar(join(FIXTURES, 'journey.har'));
    expect(r.code).toBe(0);
    expect(r.services).toEqual({ '127.0.0.1-8081': 'http://127.0.0.1:8081' });
    expect(r.steps.map((s) => s.name)).toEqual([
      'post-auth-login',
      'get-csrf',
      'post-orders',
      'get-orders-id',
      'get-customers-id-orders',
      'post-orders-id-notes',
    ]);
    expect(r.stderr).toContain('correlated token: post-auth-login $.token -> get-csrf header authorization;');
    expect(r.stderr).toContain(
      'correlated x-csrf-token: get-csrf header x-csrf-token -> post-orders header x-csrf-token',
    );
    expect(r.stderr).toContain('correlated orderId: post-orders $.id -> get-orders-id path; post-orders-id-notes path');
    expect(r.stderr).toContain('correlated customerId: post-orders $.customer.id -> get-customers-id-orders path');
    const [login, csrf, order, read, list, note] = r.steps;
    expect(login?.capture).toEqual({ token: { jsonPath: '$.token' } });
    expect(login?.think).toBe('450ms');
    expect(csrf?.capture).toEqual({ 'x-csrf-token': { header: 'x-csrf-token' } });
    expect(order?.headers).toMatchObject({
      authorization: 'Bearer {{vars.token}}',
      'x-csrf-token': '{{vars.x-csrf-token}}',
    });
    expect(order?.capture).toEqual({ orderId: { jsonPath: '$.id' }, customerId: { jsonPath: '$.customer.id' } });
    expect(read?.path).toBe('/orders/{{vars.orderId}}');
    expect(list?.path).toBe('/customers/{{vars.customerId}}/orders');
    expect(note?.json).toEqual({
      orderId: '{{vars.orderId}}',
      customerId: '{{vars.customerId}}',
      text: 'leave at the door',
    });
    expect(r.text).toContain('# NOTE: $.customerId was a number and is now sent as a string');
  });

  it('never writes a cookie or credential from the recording; browser noise and hop-by-hop headers are dropped', async () => {
    const r = await importHar(join(FIXTURES, 'journey.har'));
    expect(r.text).not.toMatch(/s3cr3t|eyJhbGci|csrf-5b2c|ord_7f3k|48213/);
    expect(r.text).not.toMatch(/user-agent|accept-language|sec-fetch|sec-ch-ua|referer|connection:/i);
    expect(r.steps[0]?.headers).toEqual({ cookie: '${COOKIE}' });
    expect(r.stderr).toContain('set COOKIE in the environment before validate/run');
    const unset = await runCli(['validate', r.out]);
    expect(unset.code).toBe(2);
    const valid = await runCli(['validate', r.out], { env: { COOKIE: 'session=x' } });
    expect(valid.stdout).toContain('1 flow, 6 steps');
    expect(valid.code).toBe(0);
  });

  it('--exclude drops requests, --include keeps one that would be left out', async () => {
    const r = await importHar(join(FIXTURES, 'journey.har'), '--exclude', '/notes$', '--include', 'cdn\\.example-cdn');
    expect(r.steps.map((s) => s.name)).toEqual([
      'get-lib-json',
      'post-auth-login',
      'get-csrf',
      'post-orders',
      'get-orders-id',
      'get-customers-id-orders',
    ]);
    expect(Object.keys(r.services ?? {})).toEqual(['cdn.example-cdn.net', '127.0.0.1-8081']);
  });

  it('a file that is not JSON is exit 2, one line naming it', async () => {
    const r = await importHar(join(FIXTURES, 'not-json.har'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not-json\.har: not a HAR file: not JSON/);
  });

  it('a recording with no API requests is exit 2, saying what was left out', async () => {
    const r = await importHar(join(FIXTURES, 'no-api.har'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `backend-bench: ${join(FIXTURES, 'no-api.har')}: no API requests among 5 entries (left out: 3 static asset, 1 analytics, 1 third-party origin); keep some with --include REGEX`,
    );
  });

  it('JSON that is not a HAR, and a missing file, are exit 2', async () => {
    const dir = tempDir();
    const notHar = join(dir, 'x.har');
    (await import('node:fs')).writeFileSync(notHar, '{"log":{"entries":[{"request":{}}]}}');
    const r = await importHar(notHar);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.har: not a HAR file: log\.entries\.0\./);
    const missing = await importHar(join(dir, 'missing.har'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.har: cannot read: no such file/);
  });
});
