import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';

/**
 * The Kubernetes objects of a sharded run: a ConfigMap holding the scenario (and its data file), and an Indexed
 * Job whose pod k runs shard k+1 of N from it, printing its JSON result to stdout for `kubectl logs`. Typed with
 * kubernetes-models' API types (checked at compile time; the tests validate the output against its schemas).
 */

/** Where the ConfigMap is mounted in each pod. */
export const SCENARIO_DIR = '/scenario';

export interface ShippedFile {
  /** ConfigMap key: [-._a-zA-Z0-9]+. */
  key: string;
  /** Path under SCENARIO_DIR, as the scenario refers to it (e.g. data/users.csv). */
  path: string;
  content: string;
}

export interface ShardJobOptions {
  /** DNS-1123 label for the Job and ConfigMap. */
  name: string;
  namespace: string | undefined;
  image: string;
  shards: number;
  /** The scenario first, then the files it reads. */
  files: readonly ShippedFile[];
  /** Worker threads per pod, matched to its CPU request. */
  workers: number;
  cpu: string;
  memory: string;
  pushgateway: string | undefined;
  /** A Secret whose keys become the pods' environment (the scenario's ${VARS}). */
  envFromSecret: string | undefined;
  /** The scenario's own length, so the Job cannot outlive it by much. */
  durationMs: number;
  /** When every pod starts its load (run --start-at), so the shards' windows line up; none: each as it runs. */
  startAt?: Date;
}

/** A Job that never finishes (a stalled target, a hung pod) is stopped this long after the scenario's length. */
const DEADLINE_MARGIN_S = 600;

/** POSIX single-quoting for the pod's shell line. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The pod's command. The shell turns the 0-based JOB_COMPLETION_INDEX that Kubernetes gives each pod of an Indexed
 * Job into our 1-based shard; exec hands the process SIGTERM, so a deleted Job still prints its partial result.
 */
export function podCommand(
  o: Pick<ShardJobOptions, 'shards' | 'workers' | 'pushgateway' | 'files' | 'startAt'>,
): string {
  const scenario = o.files[0];
  if (scenario === undefined) throw new RangeError('no scenario file');
  const args = [
    'exec backend-bench run',
    shellQuote(`${SCENARIO_DIR}/${scenario.path}`),
    `--shard "$((JOB_COMPLETION_INDEX + 1))/${o.shards}"`,
    `--workers ${o.workers}`,
    ...(o.startAt === undefined ? [] : [`--start-at ${o.startAt.toISOString()}`]),
    '--quiet --out /dev/stdout',
    ...(o.pushgateway === undefined ? [] : [`--pushgateway ${shellQuote(o.pushgateway)}`]),
  ];
  return args.join(' ');
}

export function scenarioConfigMap(o: ShardJobOptions): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: o.name, ...(o.namespace && { namespace: o.namespace }), labels: labels(o.name) },
    data: Object.fromEntries(o.files.map((f) => [f.key, f.content])),
  };
}

function labels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'backend-bench', 'app.kubernetes.io/instance': name };
}

/** The wait before the load, counted in the Job's deadline. */
const startDelayMs = (startAt: Date | undefined): number =>
  startAt === undefined ? 0 : Math.max(0, startAt.getTime() - Date.now());

export function shardJob(o: ShardJobOptions): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, ...(o.namespace && { namespace: o.namespace }), labels: labels(o.name) },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // A retried shard would send its load twice; a failed shard is visible in the merge instead.
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil((o.durationMs + startDelayMs(o.startAt)) / 1000) + DEADLINE_MARGIN_S,
      template: {
        metadata: { labels: labels(o.name) },
        spec: {
          restartPolicy: 'Never',
          // Spread shards over nodes when there are enough: generators sharing a node share its CPU and NIC.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels(o.name) },
            },
          ],
          containers: [
            {
              name: 'backend-bench',
              image: o.image,
              command: ['/bin/sh', '-c', podCommand(o)],
              env: [{ name: 'NO_COLOR', value: '1' }],
              ...(o.envFromSecret && { envFrom: [{ secretRef: { name: o.envFromSecret } }] }),
              resources: { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memory } },
              volumeMounts: [{ name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true }],
              // The image's `node` user, by number: the kubelet can only check runAsNonRoot against a numeric user.
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
              },
            },
          ],
          volumes: [
            {
              name: 'scenario',
              configMap: { name: o.name, items: o.files.map((f) => ({ key: f.key, path: f.path })) },
            },
          ],
        },
      },
    },
  };
}
