import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { BIN, readResult, runCli, tempDir } from './support/cli.js';
import { fixedDelay, startServer, type TestServer } from './support/servers.js';

/** The collect step of docs/kubernetes.md: the pretty-printed result is the block from a line "{" to a line "}". */
const EXTRACT_RESULT = `sed -n '/^{$/,/^}$/p'`;

interface Rendered {
  configMap: ConfigMap;
  job: Job;
}

async function render(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string; rendered?: Rendered }> {
  const run = await runCli(['k8s', 'render', ...args], { env });
  if (run.code !== 0) return { code: run.code, stderr: run.stderr };
  const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Record<string, unknown>);
  expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Job']);
  return {
    code: run.code,
    stderr: run.stderr,
    rendered: {
      configMap: new ConfigMap(docs[0] as ConstructorParameters<typeof ConfigMap>[0]),
      job: new Job(docs[1] as ConstructorParameters<typeof Job>[0]),
    },
  };
}

/** Runs one pod of the Job here: its shell line, with the ConfigMap laid out as the volume would be. */
function runPod(r: Rendered, index: number, dir: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  const pod = r.job.spec?.template.spec;
  const volume = pod?.volumes?.[0]?.configMap;
  const mount = join(dir, `pod-${index}`, 'scenario');
  for (const item of volume?.items ?? []) {
    mkdirSync(dirname(join(mount, item.path)), { recursive: true });
    writeFileSync(join(mount, item.path), r.configMap.data?.[item.key] ?? '');
  }
  const [shell, flag, line] = pod?.containers[0]?.command ?? [];
  const script = `${(line ?? '').replace("'/scenario/", `'${mount}/`)} | ${EXTRACT_RESULT} > ${join(dir, `shard-${index + 1}.json`)}`;
  return new Promise((resolve) => {
    const child = spawn(shell ?? 'sh', [flag ?? '-c', script], {
      env: {
        ...process.env,
        ...env,
        JOB_COMPLETION_INDEX: String(index),
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('k8s render: a ConfigMap and an Indexed Job that run the shards and merge', () => {
  let server: TestServer;
  let dir: string;
  let scenario: string;

  beforeAll(async () => {
    server = await startServer(fixedDelay(2));
    dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'users.csv'), 'id\nu1\nu2\nu3\nu4\nu5\nu6\n');
    scenario = join(dir, 'checkout.yaml');
    writeFileSync(
      scenario,
      `name: checkout\ntarget: ${server.url}\nload: { rate: 90, duration: 2s }\ndata: { file: data/users.csv }\n` +
        `requests: [{ name: order, path: "/o/{{seq}}/{{row.id}}", headers: { authorization: "Bearer \${API_TOKEN}" } }]\nslos: ["requests >= 150"]\n`,
    );
    // What the image's ENTRYPOINT provides: backend-bench on the PATH.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'backend-bench'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(dir, 'bin', 'backend-bench'), 0o755);
  });
  afterAll(() => server.close());

  it('renders objects that pass the Kubernetes API schemas, carrying the scenario and its data', async () => {
    const args = [
      scenario,
      '--shards',
      '3',
      '--image',
      'registry.example/backend-bench:1',
      '--namespace',
      'load',
      '--cpu',
      '2',
    ];
    const { code, stderr, rendered } = await render([...args, '--pushgateway', 'http://pg.monitoring:9091'], {
      API_TOKEN: 't',
    });
    expect(code, stderr).toBe(0);
    const { configMap, job } = rendered as Rendered;
    configMap.validate();
    job.validate();
    expect(stderr).toMatch(/reads \$\{API_TOKEN\}: .*--env-from-secret/);
    expect(configMap.data).toEqual({
      'checkout.yaml': readFileSync(scenario, 'utf8'),
      'data.users.csv': 'id\nu1\nu2\nu3\nu4\nu5\nu6\n',
    });
    expect(job.metadata).toMatchObject({ name: 'bb-checkout', namespace: 'load' });
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 3,
      backoffLimit: 0,
    });
    // The deadline counts the scenario, the wait for the start instant (60 s by default) and a margin.
    expect(job.spec?.activeDeadlineSeconds).toBeGreaterThanOrEqual(660);
    expect(job.spec?.activeDeadlineSeconds).toBeLessThanOrEqual(663);
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('registry.example/backend-bench:1');
    const command = container?.command?.[2] ?? '';
    const startAt = /--start-at (\S+)/.exec(command)?.[1] ?? '';
    expect(Date.parse(startAt) - Date.now()).toBeGreaterThan(50_000);
    expect(Date.parse(startAt) - Date.now()).toBeLessThan(62_000);
    expect(command).toBe(
      `exec backend-bench run '/scenario/checkout.yaml' --shard "$((JOB_COMPLETION_INDEX + 1))/3" --workers 2 --start-at ${startAt} --quiet --out /dev/stdout --pushgateway 'http://pg.monitoring:9091'`,
    );
    expect(job.spec?.template.spec?.volumes?.[0]?.configMap?.items).toEqual([
      { key: 'checkout.yaml', path: 'checkout.yaml' },
      { key: 'data.users.csv', path: 'data/users.csv' },
    ]);
    const secret = await render([...args, '--env-from-secret', 'checkout-env'], { API_TOKEN: 't' });
    expect(secret.rendered?.job.spec?.template.spec?.containers[0]?.envFrom).toEqual([
      { secretRef: { name: 'checkout-env' } },
    ]);
    expect(secret.stderr).toBe('');
  });

  it('each pod, run as Kubernetes would run it, prints its shard result; merged they are the whole run', async () => {
    const { rendered } = await render([scenario, '--shards', '3', '--image', 'x', '--start-delay', '3s'], {
      API_TOKEN: 't',
    });
    const startAt = Date.parse(
      /--start-at (\S+)/.exec(rendered?.job.spec?.template.spec?.containers[0]?.command?.[2] ?? '')?.[1] ?? '',
    );
    const codes = await Promise.all(
      [0, 1, 2].map((k) => runPod(rendered as Rendered, k, dir, { API_TOKEN: 'secret-token' })),
    );
    // Each shard alone sends 60 requests and fails "requests >= 150": the pipeline's status is sed's, so 0.
    expect(codes).toEqual([0, 0, 0]);
    const shards = [1, 2, 3].map((i) => readResult(join(dir, `shard-${i}.json`)));
    expect(shards.map((s) => [s.shard?.index, s.metrics.requests, s.pass])).toEqual([
      [1, 60, false],
      [2, 60, false],
      [3, 60, false],
    ]);
    const merged = await runCli([
      'merge',
      ...[1, 2, 3].map((i) => join(dir, `shard-${i}.json`)),
      '--out',
      join(dir, 'merged.json'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(readResult(join(dir, 'merged.json')).metrics.requests).toBe(180);
    // The pods waited for one instant: their loads began together, and the merge's rates are over their overlap.
    const starts = shards.map((r) => Date.parse(r.startedAt));
    for (const t of starts) expect(t).toBeGreaterThanOrEqual(startAt);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(300);
    expect(readResult(join(dir, 'merged.json')).mergedWindow?.rateFrom).toBe('overlap');
    const total = [...server.counts].filter(([k]) => k.startsWith('GET /o/')).reduce((n, [, c]) => n + c, 0);
    expect(total).toBe(180);
    expect(server.seen.at(-1)?.authorization).toBe('Bearer secret-token');
  });

  it('refuses what cannot run as shards in pods, naming the problem', async () => {
    const demo = join(dir, 'demo.yaml');
    writeFileSync(demo, 'target: { demo: monolith }\nload: { rate: 1, duration: 1s }\nrequests: [{ path: / }]\n');
    const outside = join(dir, 'data', 'outside.yaml');
    writeFileSync(
      outside,
      `target: ${server.url}\nload: { rate: 1, duration: 1s }\ndata: { file: ../other.csv }\nrequests: [{ path: "/{{row.id}}" }]\n`,
    );
    writeFileSync(join(dir, 'other.csv'), 'id\n1\n');
    const cases: [string[], RegExp][] = [
      [[scenario, '--shards', '0', '--image', 'x'], /--shards "0"/],
      [[scenario, '--shards', '2'], /required option '--image <image>'/],
      [
        [scenario, '--shards', '2', '--image', 'x', '--name', 'Bad_Name'],
        /--name "Bad_Name": expected a DNS-1123 label/,
      ],
      [[scenario, '--shards', '2', '--image', 'x', '--cpu', 'lots'], /--cpu "lots"/],
      [
        [scenario, '--shards', '2', '--image', 'x', '--start-delay', '3h'],
        /--start-delay "3h": expected a duration up to 1h/,
      ],
      [[scenario, '--shards', '2', '--image', 'x', '--start-at', '2020-01-01T00:00:00Z'], /--start-at .* ago/],
      [[demo, '--shards', '2', '--image', 'x'], /demo\.yaml: target is the embedded demo/],
      [[outside, '--shards', '2', '--image', 'x'], /other\.csv: the data file must sit in the scenario's folder/],
    ];
    for (const [args, message] of cases) {
      const r = await render(args, { API_TOKEN: 't' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
