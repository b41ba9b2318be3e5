import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';
import { closedPort, fixedDelay, startServer, type TestServer } from './support/servers.js';

describe('faults: credentials never appear in messages; exposure is said aloud', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a failed Pushgateway push, and a failed delete, name the URL without its credentials', async () => {
    server = await startServer(fixedDelay(1));
    const port = await closedPort();
    const gateway = `http://alice:s3cretpw@127.0.0.1:${port}/?token=tok123`;
    const run = await runCli(['run', '--url', server.url, '--rate', '5', '--duration', '1s', '--pushgateway', gateway]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/pushgateway: push to http:\/\/\*\*\*@127\.0\.0\.1:\d+\/.* failed/);
    const del = await runCli(['pushgateway-delete', gateway, 'abc123']);
    expect(del.code).toBe(3);
    expect(del.stderr).toMatch(/pushgateway http:\/\/\*\*\*@127\.0\.0\.1/);
    for (const text of [run.stdout, run.stderr, del.stdout, del.stderr]) expect(text).not.toMatch(/s3cretpw|tok123/);
  });

  it('--prometheus 0.0.0.0:PORT warns that /metrics is exposed on every interface', async () => {
    server = await startServer(fixedDelay(1));
    const args = ['run', '--url', server.url, '--rate', '5', '--duration', '1s', '--linger', '0'];
    const open = await runCli([...args, '--prometheus', '0.0.0.0:0']);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stderr).toMatch(/--prometheus 0\.0\.0\.0:0: \/metrics is exposed on every interface/);
    const local = await runCli([...args, '--prometheus', '127.0.0.1:0']);
    expect(local.stderr).not.toMatch(/every interface/);
  });

  it('k8s render refuses literal secrets rather than publish them in a ConfigMap, saying how', async () => {
    const dir = tempDir();
    const scenario = join(dir, 's.yaml');
    writeFileSync(
      scenario,
      'target: http://bob:hunter2pw@api.internal\nload: { rate: 10, duration: 2s }\n' +
        'requests:\n  - path: /\n    headers: { Authorization: "Bearer tok-abc-123" }\n',
    );
    const run = await runCli(['k8s', 'render', scenario, '--shards', '2', '--image', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/s\.yaml:1:9: a URL carries literal credentials/);
    expect(run.stderr).toMatch(/s\.yaml:5:\d+: header Authorization holds a literal secret/);
    expect(run.stderr).toMatch(/--env-from-secret NAME/);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/hunter2pw|tok-abc-123/);
    const clean = join(dir, 'ok.yaml');
    writeFileSync(clean, 'target: http://api.internal\nload: { rate: 10, duration: 2s }\nrequests:\n  - path: /\n');
    const args = ['k8s', 'render', clean, '--shards', '2', '--image', 'x'];
    const gateway = await runCli([...args, '--pushgateway', 'http://u:gatepw99@pg:9091']);
    expect(gateway.code).toBe(2);
    expect(gateway.stderr).toMatch(
      /--pushgateway "http:\/\/\*\*\*@pg:9091\/": credentials in the URL would be written into the Job/,
    );
    expect(gateway.stderr).not.toMatch(/gatepw99/);
  });
});
