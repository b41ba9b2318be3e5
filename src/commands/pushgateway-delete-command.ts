import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { SetExit } from './registration.js';

export function registerPushgatewayDelete(program: Command, setExit: SetExit): void {
  program
    .command('pushgateway-delete')
    .description("delete a run's metrics group from a Prometheus Pushgateway")
    .argument('<url>', 'Pushgateway URL, e.g. http://127.0.0.1:9091')
    .argument('<run-id>', 'the run id (printed by run, and in the JSON result)')
    .action(async (url: string, runId: string) => {
      const { deletePushedRun } = await import('../reporters/prometheus/prometheus.js');
      await deletePushedRun(url, runId);
      const { displayUrl } = await import('../scenario/redact.js');
      process.stdout.write(`deleted run ${runId} from ${displayUrl(url)}\n`);
      setExit(ExitCode.Pass);
    });
}
