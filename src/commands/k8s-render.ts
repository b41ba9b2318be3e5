import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { ExitCode, InputError } from '../errors.js';
import {
  SCENARIO_DIR,
  scenarioConfigMap,
  shardJob,
  type ShardJobOptions,
  type ShippedFile,
} from '../kubernetes/manifests.js';
import { literalSecrets } from '../kubernetes/literal-secrets.js';
import { requiredVariables } from '../scenario/env-interpolate.js';
import { displayUrl, urlSecrets } from '../scenario/redact.js';
import type { ExecutionPlan } from '../scenario/plan.js';
import { resolvePlan } from './run.js';
import { parseDuration } from '../scenario/duration.js';
import { checkScale } from './scale.js';
import { parseStartAt, START_AT_MAX_AHEAD_MS } from './start-at.js';

export interface K8sRenderFlags {
  shards: string;
  image: string;
  namespace?: string;
  name?: string;
  pushgateway?: string;
  cpu?: string;
  memory?: string;
  envFromSecret?: string;
  startAt?: string;
  startDelay?: string;
}

/** Time for the pods to be scheduled and pull the image before they all start their load together. */
export const DEFAULT_START_DELAY_MS = 60_000;

/**
 * The instant every pod starts its load (--start-at, or now + --start-delay, 60 s by default); undefined with
 * --start-delay 0, when each pod starts as soon as it runs.
 */
function startAt(flags: K8sRenderFlags, nowMs: number): Date | undefined {
  if (flags.startAt !== undefined && flags.startDelay !== undefined)
    throw new InputError('--start-at and --start-delay: give one of them');
  if (flags.startAt !== undefined) return parseStartAt(flags.startAt, nowMs);
  const delay = flags.startDelay === undefined ? DEFAULT_START_DELAY_MS : parseDuration(flags.startDelay);
  if (delay === undefined || delay > START_AT_MAX_AHEAD_MS)
    throw new InputError(`--start-delay "${flags.startDelay}": expected a duration up to 1h, e.g. 60s, 2m or 0`);
  // Whole seconds: the instant is shown in the manifest, where a reader compares it with the clock.
  return delay === 0 ? undefined : new Date(Math.ceil((nowMs + delay) / 1000) * 1000);
}

/** ConfigMap data is capped at 1 MiB; leave room for the object around it. */
const MAX_CONFIGMAP_BYTES = 900 * 1024;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Job names stay short enough for the pod names and hostnames Kubernetes derives from them. */
const MAX_NAME = 52;

function label(value: string, flag: string): string {
  if (!DNS_LABEL.test(value) || value.length > MAX_NAME) {
    throw new InputError(
      `${flag} "${value}": expected a DNS-1123 label (a-z, 0-9, '-'; at most ${MAX_NAME} characters)`,
    );
  }
  return value;
}

function defaultName(plan: ExecutionPlan): string {
  const slug = basename(plan.name)
    .replace(/\.(ya?ml|json)$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `bb-${slug || 'run'}`.slice(0, MAX_NAME).replace(/-+$/, '');
}

/** Worker threads per pod: one per whole CPU it requests. Kubernetes quantities: "2", "1.5", "500m". */
function workersFor(cpu: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu);
  if (m === null) throw new InputError(`--cpu "${cpu}": expected a CPU quantity such as 1, 2, 1.5 or 500m`);
  const cores = Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
  return Math.max(1, Math.floor(cores));
}

function options(flags: K8sRenderFlags, plan: ExecutionPlan, files: ShippedFile[]): ShardJobOptions {
  const shards = Number(flags.shards);
  if (!/^\d+$/.test(flags.shards) || shards < 1 || shards > 10_000)
    throw new InputError(`--shards "${flags.shards}": expected a whole number, 1 or more`);
  if (flags.image.trim() === '' || /\s/.test(flags.image))
    throw new InputError(`--image "${flags.image}": expected an image reference`);
  const memory = flags.memory ?? '512Mi';
  if (!/^\d+(\.\d+)?([KMGT]i?)?$/.test(memory))
    throw new InputError(`--memory "${memory}": expected a memory quantity such as 512Mi or 2Gi`);
  if (flags.pushgateway !== undefined && !/^https?:\/\/\S+$/.test(flags.pushgateway)) {
    throw new InputError(
      `--pushgateway "${displayUrl(flags.pushgateway)}": expected an http(s) URL reachable from the pods`,
    );
  }
  const cpu = flags.cpu ?? '1';
  return {
    name: flags.name === undefined ? defaultName(plan) : label(flags.name, '--name'),
    namespace: flags.namespace === undefined ? undefined : label(flags.namespace, '--namespace'),
    image: flags.image,
    shards,
    files,
    workers: workersFor(cpu),
    cpu,
    memory,
    pushgateway: flags.pushgateway,
    envFromSecret: flags.envFromSecret === undefined ? undefined : label(flags.envFromSecret, '--env-from-secret'),
    durationMs: plan.load.durationMs,
    startAt: startAt(flags, Date.now()),
  };
}

/** The scenario as written (pods plan it themselves), and its CSV at the same relative path. */
async function shippedFiles(file: string, plan: ExecutionPlan): Promise<ShippedFile[]> {
  const scenario = basename(file);
  const files: ShippedFile[] = [
    { key: scenario.replace(/[^-._a-zA-Z0-9]/g, '_'), path: scenario, content: await readFile(file, 'utf8') },
  ];
  if (plan.data !== undefined) {
    const path = relative(dirname(resolve(file)), plan.data.file);
    if (path.startsWith('..') || isAbsolute(path)) {
      throw new InputError(
        `${plan.data.file}: the data file must sit in the scenario's folder (or below it) to travel in the ConfigMap`,
      );
    }
    const key = path
      .split(sep)
      .join('.')
      .replace(/[^-._a-zA-Z0-9]/g, '_');
    files.push({ key, path: path.split(sep).join('/'), content: await readFile(plan.data.file, 'utf8') });
  }
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  if (bytes > MAX_CONFIGMAP_BYTES) {
    throw new InputError(
      `${file}: scenario and data are ${Math.round(bytes / 1024)} KiB; a ConfigMap holds under 1 MiB (bake large data into the image)`,
    );
  }
  return files;
}

/**
 * A ConfigMap and a Job spec are readable by anyone who may read the namespace's configuration: a secret written
 * into the scenario, or into the Pushgateway URL, would be published in clear. Refused, saying how to pass it.
 */
function refuseLiteralSecrets(text: string, file: string, pushgateway: string | undefined): void {
  const problems = literalSecrets(text, file);
  if (problems.length > 0) {
    throw new InputError(
      `${problems.join('; ')}: k8s render will not put secrets in a ConfigMap; write them as \${VAR} (e.g. Authorization: "Bearer \${API_TOKEN}") and give the pods a Secret holding them with --env-from-secret NAME`,
    );
  }
  if (pushgateway !== undefined && urlSecrets(pushgateway).length > 0) {
    throw new InputError(
      `--pushgateway "${displayUrl(pushgateway)}": credentials in the URL would be written into the Job in clear; use a Pushgateway reachable without them from the pods (an in-cluster Service)`,
    );
  }
}

/**
 * `k8s render`: prints a ConfigMap with the scenario and an Indexed Job whose pod k runs shard k+1 of N and
 * prints its result to stdout. Nothing is sent to a cluster: pipe it to `kubectl apply -f -`.
 */
export async function k8sRenderCommand(
  file: string,
  flags: K8sRenderFlags,
  out: { write(text: string): void; warn(line: string): void },
): Promise<ExitCode> {
  const plan = await resolvePlan(file, {});
  if (plan.target.kind === 'demo') {
    throw new InputError(
      `${file}: target is the embedded demo, which every pod would start for itself; point target at the system under test`,
    );
  }
  const files = await shippedFiles(file, plan);
  refuseLiteralSecrets((files[0] as ShippedFile).content, file, flags.pushgateway);
  const o = options(flags, plan, files);
  checkScale(plan, { shard: { index: 0, count: o.shards } });
  const vars = requiredVariables((files[0] as ShippedFile).content);
  if (vars.length > 0 && o.envFromSecret === undefined) {
    out.warn(
      `backend-bench: the scenario reads ${vars.map((v) => `\${${v}}`).join(', ')}: give the pods a Secret holding them with --env-from-secret NAME`,
    );
  }
  const header = [
    `# backend-bench: ${o.shards} shard${o.shards === 1 ? '' : 's'} of ${plan.name} (scenario mounted at ${SCENARIO_DIR}).`,
    `# kubectl apply -f this.yaml; kubectl wait --for=condition=complete job/${o.name}; then collect and merge: docs/kubernetes.md`,
    ...(o.startAt === undefined
      ? []
      : [
          `# Every pod starts its load at ${o.startAt.toISOString()}: apply before then (a pod more than 10 s late refuses to run).`,
        ]),
  ];
  const docs = [scenarioConfigMap(o), shardJob(o)].map((d) => stringify(d, { lineWidth: 0 }));
  out.write(`${header.join('\n')}\n${docs.join('---\n')}`);
  return ExitCode.Pass;
}
