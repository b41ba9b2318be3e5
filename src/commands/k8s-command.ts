import type { Command } from 'commander';
import type { K8sRenderFlags } from './k8s-render.js';
import { type SetExit, warnLine } from './registration.js';

export function registerK8s(program: Command, setExit: SetExit): void {
  program
    .command('k8s')
    .description('Kubernetes: run a scenario as shards of an Indexed Job')
    .command('render')
    .description(
      'print a ConfigMap (the scenario) and an Indexed Job whose pod k runs --shard k/N (apply with kubectl)',
    )
    .argument('<scenario>', 'scenario file (with its CSV data file, if any)')
    .requiredOption('--shards <n>', 'number of pods, each running one shard')
    .requiredOption('--image <image>', 'container image of backend-bench (see the Dockerfile)')
    .option('--namespace <ns>', 'namespace of the ConfigMap and Job')
    .option('--name <name>', 'name of the ConfigMap and Job (default: bb-<scenario>)')
    .option('--cpu <quantity>', 'CPU request per pod; one worker thread per whole CPU (default 1)')
    .option('--memory <quantity>', 'memory request and limit per pod (default 512Mi)')
    .option('--pushgateway <url>', 'each pod also pushes its metrics to this Pushgateway')
    .option(
      '--env-from-secret <secret>',
      "a Secret whose keys become the pods' environment (for ${VARS} in the scenario)",
    )
    .option('--start-at <time>', 'every pod starts its load at this ISO time (default: 60 s after rendering)')
    .option('--start-delay <duration>', 'every pod starts its load this long after rendering (default 60s; 0: at once)')
    .action(async (file: string, options: K8sRenderFlags) => {
      const { k8sRenderCommand } = await import('./k8s-render.js');
      const io = { write: (t: string) => process.stdout.write(t), warn: warnLine };
      setExit(await k8sRenderCommand(file, options, io));
    });
}
