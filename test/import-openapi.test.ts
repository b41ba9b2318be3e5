import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMonolithServer } from '../src/targets/monolith.js';
import { readResult, runCli, tempDir } from './support/cli.js';
import { listenDuringSuite, listenLocal } from './support/servers.js';

/** `backend-bench import openapi` as a user runs it: fixtures of our own writing, then the demo's own spec. */
const FIXTURES = join('test', 'fixtures', 'import');
const CREDENTIALS = { API_TOKEN: 't', API_KEY: 'k', QUERY_KEY: 'q', API_BASIC_CREDENTIALS: 'b', TOKEN: 'x' };

interface Imported {
  code: number | null;
  stderr: string;
  text: string;
  doc: {
    target: { url?: string; demo?: string; headers?: Record<string, string> };
    requests: { name: string; method?: string; path: string; weight: number; query?: Record<string, string> }[] &
      Record<string, unknown>[];
    slos: string[];
  };
  file: string;
}

async function importSpec(spec: string, ...flags: string[]): Promise<Imported> {
  const file = join(tempDir('bb-import-'), 'scenarios', 'api.yaml');
  const run = await runCli(['import', 'openapi', spec, '--out', file, ...flags]);
  const text = run.code === 0 ? readFileSync(file, 'utf8') : '';
  return { code: run.code, stderr: run.stderr, text, doc: parse(text) as Imported['doc'], file };
}

async function expectValid(file: string): Promise<void> {
  const v = await runCli(['validate', file], { env: CREDENTIALS });
  expect(v.stderr).toBe('');
  expect(v.code).toBe(0);
}

const byName = (i: Imported, name: string): Record<string, unknown> | undefined =>
  i.doc.requests.find((r) => r.name === name);

describe('import openapi: fixtures', () => {
  it('OpenAPI 3.0: server variables, external $ref chain, allOf/oneOf, enums, formats, security', async () => {
    const i = await importSpec(join(FIXTURES, 'petstore-3.0.yaml'));
    expect(i.code).toBe(0);
    await expectValid(i.file);
    expect(i.doc.target).toEqual({
      url: 'http://127.0.0.1:8080/v1',
      headers: { authorization: 'Bearer ${API_TOKEN}', 'x-api-key': '${API_KEY}' },
    });
    expect(i.doc.requests.map((r) => [r.name, r.weight])).toEqual([
      ['listPets', 3],
      ['createPet', 1],
      ['getPet', 3],
      ['uploadPhoto', 1],
      ['post-store-orders', 1],
    ]);
    expect(byName(i, 'listPets')).toMatchObject({ query: { status: 'available', limit: '20' } });
    const pet = byName(i, 'createPet') as { json: Record<string, unknown>; expect: unknown; checks: unknown[] };
    expect(pet.json).toMatchObject({
      name: '{{randomString 8}}',
      kind: { species: 'cat' },
      category: { name: 'dogs', label: { text: '{{randomString 5}}', score: '{{randomInt 1 10}}' } },
      birthday: '2024-01-01',
      ownerEmail: 'user-{{seq}}@example.test',
    });
    expect(pet.json.tagCode).toMatch(/^[A-Z]{3}-[0-9]{4}$/);
    expect(pet.expect).toEqual({ status: [201, 202] });
    expect(pet.checks).toEqual(['name', 'kind', 'id', 'status'].map((p) => ({ jsonPath: `$.${p}`, exists: true })));
    expect(byName(i, 'getPet')).toMatchObject({ path: '/pets/{{uuid}}' });
    expect(i.text).toContain('# NOTE: request body multipart/form-data is not supported (JSON only); no body is sent');
    expect(i.stderr).toContain('warning: uploadPhoto: request body multipart/form-data is not supported');
    expect(i.stderr).toContain('1 DELETE left out (--include-deletes)');
    expect(i.doc.slos).toEqual(['p95 < 200ms', 'error_rate < 1%']);
  });

  it('OpenAPI 3.1: type arrays, examples, const, exclusive bounds as numbers, oauth2 and query API keys', async () => {
    const i = await importSpec(join(FIXTURES, 'inventory-3.1.json'));
    expect(i.code).toBe(0);
    await expectValid(i.file);
    expect(i.doc.target).toEqual({
      url: 'http://127.0.0.1:9090/api',
      headers: { authorization: 'Bearer ${API_TOKEN}' },
    });
    expect(byName(i, 'searchItems')).toMatchObject({
      query: { q: '{{randomString 4}}', sort: 'name', api_key: '${QUERY_KEY}' },
      headers: { 'X-Request-Id': '{{uuid}}' },
    });
    expect(byName(i, 'addItem')).toMatchObject({
      json: { name: 'Widget', note: '{{randomString 3}}', price: { amount: '{{randomInt 0 999}}', currency: 'EUR' } },
    });
    expect(byName(i, 'getItem')).toMatchObject({ path: '/items/SKU-0042' });
    expect(byName(i, 'adjustStock')).toMatchObject({
      method: 'PATCH',
      json: { delta: '{{randomInt -99 99}}' },
      headers: { 'content-type': 'application/merge-patch+json' },
      expect: { status: [200, 204] },
    });
    expect(i.stderr).toContain('warning: webhooks are not imported');
  });

  it('Swagger 2.0: host/basePath, body parameters, x-example, basic auth and formData (left out)', async () => {
    const i = await importSpec(join(FIXTURES, 'legacy-2.0.yaml'));
    expect(i.code).toBe(0);
    await expectValid(i.file);
    expect(i.doc.target.url).toBe('http://127.0.0.1:7070/legacy');
    expect(i.doc.target.headers).toEqual({
      authorization: 'Basic ${API_BASIC_CREDENTIALS}',
      'x-auth-token': '${TOKEN}',
    });
    expect(byName(i, 'listAccounts')).toMatchObject({ query: { region: 'eu', page: '2' } });
    expect(byName(i, 'openAccount')).toMatchObject({
      json: { owner: { fullName: '{{randomString 8}}' }, currency: 'EUR', overdraft: false },
      expect: { status: 201 },
    });
    expect(byName(i, 'getAccount')).toMatchObject({ path: '/accounts/{{randomInt 1000 9999}}' });
    expect(i.stderr).toContain('warning: uploadDocument: request body multipart/form-data is not supported');
  });

  it('--tag, --path, --operation and --include-deletes choose the operations', async () => {
    const spec = join(FIXTURES, 'petstore-3.0.yaml');
    const names = async (...flags: string[]): Promise<string[]> =>
      (await importSpec(spec, ...flags)).doc.requests.map((r) => r.name);
    expect(await names('--tag', 'store')).toEqual(['post-store-orders']);
    expect(await names('--path', '^/pets/\\{petId\\}$')).toEqual(['getPet']);
    expect(await names('--path', '^/pets/\\{petId\\}$', '--include-deletes')).toEqual(['getPet', 'deletePet']);
    expect(await names('--operation', 'deletePet', '--operation', 'listPets')).toEqual(['listPets', 'deletePet']);
    const none = await importSpec(spec, '--tag', 'nope');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/petstore-3\.0\.yaml: no operations to import \(6 in the document/);
  });

  it('a dangling $ref is one line of bad input naming the file (exit 2)', async () => {
    const i = await importSpec(join(FIXTURES, 'dangling-ref.yaml'));
    expect(i.code).toBe(2);
    expect(i.stderr.trim().split('\n')).toHaveLength(1);
    expect(i.stderr).toMatch(/dangling-ref\.yaml: .*Missing \$ref pointer "#\/components\/schemas\/Thing"/);
  });

  it('refuses a spec URL that is not on loopback, before any request (exit 2)', async () => {
    const i = await importSpec('http://192.0.2.10/openapi.json');
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/refusing to fetch from 192\.0\.2\.10: only loopback hosts/);
  });

  it('a $ref to a host that is not loopback is refused (exit 2)', async () => {
    const i = await importSpec(join(FIXTURES, 'remote-ref.yaml'));
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(
      /remote-ref\.yaml: http:\/\/198\.51\.100\.7\/schemas\.yaml: refusing to fetch from 198\.51\.100\.7/,
    );
  });

  it('a spec fetched from a loopback URL resolves its external $refs through the same URL', async () => {
    const files = createServer((req, res) => {
      try {
        res.writeHead(200, { 'content-type': 'text/yaml' }).end(readFileSync(join(FIXTURES, req.url ?? '')));
      } catch {
        res.writeHead(404).end();
      }
    });
    const listening = await listenLocal(files);
    try {
      const i = await importSpec(`${listening.url}/petstore-3.0.yaml`);
      expect(i.code).toBe(0);
      expect(byName(i, 'createPet')).toMatchObject({ json: { category: { name: 'dogs' } } });
    } finally {
      await listening.close();
    }
  });

  it('$ref cycles: the import ends, the output validates, recursive responses still get shape checks', async () => {
    const i = await importSpec(join(FIXTURES, 'cycles-3.0.yaml'));
    expect(i.code).toBe(0);
    await expectValid(i.file);
    // A path parameter whose schema is only a reference to itself still fills its segment.
    expect(byName(i, 'getNode')).toMatchObject({
      path: '/nodes/{{randomString 8}}',
      checks: [
        { jsonPath: '$.id', exists: true },
        { jsonPath: '$.children', exists: true },
      ],
    });
    expect(i.stderr).toContain('warning: getNode: no value could be made for path parameter id');
    // allOf over a recursive schema keeps that schema's required properties.
    expect((byName(i, 'putNode') as { checks: { jsonPath: string }[] }).checks.map((c) => c.jsonPath)).toEqual([
      '$.id',
      '$.children',
      '$.depth',
    ]);
    expect(byName(i, 'putNode')).toMatchObject({ json: { id: '{{randomInt 1 99}}', children: [] } });
    expect(i.text).toContain('# NOTE: recursive schema #/components/schemas/Node is expanded once');
    expect(byName(i, 'postLoop')).toBeDefined();
  });

  it('an endless file, or a $ref to one, is refused past the size limit (exit 2, one line)', async () => {
    const zero = await importSpec('/dev/zero');
    expect(zero.code).toBe(2);
    expect(zero.stderr.trim()).toBe('backend-bench: /dev/zero: file is larger than 64 MiB');
    const dir = tempDir();
    const spec = join(dir, 'zero-ref.yaml');
    writeFileSync(
      spec,
      'openapi: 3.0.3\ninfo: { title: z, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n' +
        '        "200": { description: ok, content: { application/json: { schema: { $ref: "/dev/zero#/x" } } } }\n',
    );
    const ref = await importSpec(spec);
    expect(ref.code).toBe(2);
    expect(ref.stderr.trim()).toBe(`backend-bench: ${spec}: /dev/zero: file is larger than 64 MiB`);
  });

  it('a spec that is not UTF-8 is exit 2 naming its line', async () => {
    const spec = join(tempDir(), 'latin1.yaml');
    writeFileSync(spec, Buffer.from('openapi: 3.0.3\ninfo: { title: Café, version: "1" }\npaths: {}\n', 'latin1'));
    const i = await importSpec(spec);
    expect(i.code).toBe(2);
    expect(i.stderr.trim()).toBe(`backend-bench: ${spec}:2: invalid UTF-8 (save the file as UTF-8)`);
  });

  it('an endless answer from a loopback URL is refused past the size limit (exit 2)', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const endless = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      // Bounded all the same: at most 256 MiB, and it stops when the client goes away.
      const pump = (): void => {
        while (sent < 256 && res.write(chunk)) sent++;
        if (sent >= 256) res.end();
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
    });
    const listening = await listenLocal(endless);
    try {
      const i = await importSpec(`${listening.url}/openapi.yaml`);
      expect(i.code).toBe(2);
      expect(i.stderr).toContain(`${listening.url}/openapi.yaml: larger than 64 MiB`);
      expect(sent).toBeLessThan(256);
    } finally {
      await listening.close();
    }
  });

  it('a missing file is exit 2 naming it', async () => {
    const i = await importSpec(join(FIXTURES, 'nope.yaml'));
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('nope.yaml: cannot read: no such file');
    expect(i.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('import openapi: the demo monolith serves its own spec', () => {
  const demo = listenDuringSuite(() => createMonolithServer({ serviceTimeMs: [1, 3] }));

  it('import from the URL, validate, run: every request succeeds and the SLOs are met', async () => {
    const i = await importSpec(`${demo.url}/openapi.json`);
    expect(i.code).toBe(0);
    expect(i.doc.target).toEqual({ url: demo.url });
    expect(i.doc.requests.map((r) => r.name)).toEqual(['health', 'stats', 'listUsers', 'createUser', 'getUser']);
    await expectValid(i.file);
    const out = join(tempDir(), 'result.json');
    const run = await runCli(['run', i.file, '--duration', '3s', '--rate', '20', '--out', out, '-q']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const result = readResult(out);
    expect(result.metrics.requests).toBeGreaterThanOrEqual(50);
    expect(result.metrics.errors).toBe(0);
    expect(Object.keys(result.byRequest).sort()).toEqual(['createUser', 'getUser', 'health', 'listUsers', 'stats']);
    expect(result.slos.map((s) => [s.expr, s.pass])).toEqual([
      ['p95 < 200ms', true],
      ['error_rate < 1%', true],
    ]);
  });

  it('--demo monolith writes a scenario that starts the demo itself', async () => {
    const i = await importSpec(`${demo.url}/openapi.json`, '--demo', 'monolith', '--operation', 'getUser');
    expect(i.doc.target).toEqual({ demo: 'monolith' });
    const out = join(tempDir(), 'result.json');
    const run = await runCli(['run', i.file, '--duration', '2s', '--out', out, '-q']);
    expect(run.code).toBe(0);
    expect(readResult(out).metrics.errors).toBe(0);
  });
});
