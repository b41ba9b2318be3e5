import { readFileSync, writeFileSync } from 'node:fs';
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
    expect(r.text).not.toMatch(/s3cr3t|eyJhbGci|csrf-5b2c|ord_7f3k|48213|pw-from-the-form/);
    expect(r.text).not.toMatch(/user-agent|accept-language|sec-fetch|sec-ch-ua|referer|connection:/i);
    expect(r.steps[0]?.headers).toEqual({ cookie: '${COOKIE}' });
    // The login form's password is a credential too.
    expect(r.steps[0]?.json).toEqual({ user: 'ada', password: '${PASSWORD}' });
    expect(r.stderr).toContain('set COOKIE, PASSWORD in the environment before validate/run');
    const unset = await runCli(['validate', r.out]);
    expect(unset.code).toBe(2);
    const valid = await runCli(['validate', r.out], { env: { COOKIE: 'session=x', PASSWORD: 'pw' } });
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

  it('entries with no response, a binary request body and an undecodable response are handled, never literal', async () => {
    const r = await importHar(join(FIXTURES, 'odd.har'));
    expect(r.code).toBe(0);
    // Failed or aborted while recording (no response, status 0, Playwright's -1): left out and counted.
    expect(r.text).toContain('2 API requests of 6 recorded (left out: 1 static asset, 3 no response)');
    expect(r.steps.map((s) => s.name)).toEqual(['post-uploads', 'get-uploads-id-meta']);
    const [upload, meta] = r.steps as (Step & { body?: string })[];
    expect(upload?.body).toBeUndefined();
    expect(upload?.headers).toEqual({ authorization: 'Bearer ${API_TOKEN}', cookie: '${COOKIE}' });
    expect(r.text).toContain('# NOTE: binary request body (application/octet-stream, 256 characters) left out');
    expect(r.stderr).toContain('warning: post-uploads: binary request body');
    expect(meta?.path).toBe('/uploads/{{vars.uploadId}}/meta');
    expect(r.stderr).toContain('correlated uploadId: post-uploads $.id -> get-uploads-id-meta path');
    expect(r.text).not.toMatch(/sekrit|topsecret/);
    const valid = await runCli(['validate', r.out], { env: { API_TOKEN: 't', COOKIE: 'c' } });
    expect(valid.stdout).toContain('1 flow, 2 steps');
    expect(valid.code).toBe(0);
  });

  it('--include keeps an entry that got no response, without a status expectation', async () => {
    const r = await importHar(join(FIXTURES, 'odd.har'), '--include', '/preview$');
    expect(r.steps.map((s) => s.name)).toEqual(['post-uploads', 'get-uploads-id-meta', 'get-uploads-id-preview']);
    expect(r.steps[2]).not.toHaveProperty('expect');
    expect(r.stderr).toContain('get-uploads-id-preview: no response was recorded: no status expectation');
  });

  it('encodings: a UTF-8 BOM is read; Latin-1 and UTF-16 files are exit 2 saying so', async () => {
    const dir = tempDir();
    const text = readFileSync(join(FIXTURES, 'journey.har'), 'utf8');
    const bom = join(dir, 'bom.har');
    writeFileSync(bom, `\ufeff${text}`);
    expect((await importHar(bom)).code).toBe(0);
    const latin1 = join(dir, 'latin1.har');
    writeFileSync(latin1, Buffer.from(text.replace('leave at the door', 'à la porte'), 'latin1'));
    const bad = await importHar(latin1);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/latin1\.har:\d+: invalid UTF-8 \(save the file as UTF-8\)/);
    const utf16 = join(dir, 'utf16.har');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const wide = await importHar(utf16);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('utf16.har: UTF-16 text (save the file as UTF-8)');
  });

  it('a JSON body nested 50,000 deep and a start time that does not parse do not break the import', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const entry = (url: string, startedDateTime: string, text?: string) => ({
      startedDateTime,
      time: 3,
      request: {
        method: text === undefined ? 'GET' : 'POST',
        url,
        headers: [],
        ...(text === undefined ? {} : { postData: { mimeType: 'application/json', text } }),
      },
      response: { status: 200, headers: [], content: { mimeType: 'application/json', text: '{}' } },
    });
    const file = join(tempDir(), 'odd.har');
    const entries = [
      entry('http://127.0.0.1:8083/deep', '2026-03-02T10:00:00.000Z', deep),
      entry('http://127.0.0.1:8083/when', 'yesterday-ish'),
    ];
    writeFileSync(file, JSON.stringify({ log: { entries } }));
    const r = await importHar(file);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('post-deep: JSON body nested deeper than 64 levels is sent as recorded text');
    expect(r.stderr).not.toContain('capped');
    expect(r.steps.every((s) => s.think === undefined)).toBe(true);
    expect((r.steps.find((s) => s.name === 'post-deep') as { body?: string } | undefined)?.body).toBe(deep);
  });

  it('an endless file (/dev/zero) is refused past the size limit, not read into memory (exit 2)', async () => {
    const r = await importHar('/dev/zero');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('backend-bench: /dev/zero: file is larger than 256 MiB');
  });
});
