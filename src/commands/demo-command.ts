import { type Command, Option } from 'commander';
import { ExitCode } from '../errors.js';
import { DEMOS, demoNames, startDemo, type DemoName } from '../targets/launch.js';
import type { SetExit } from './registration.js';

async function demoCommand(name: string, options: { port: string }): Promise<number> {
  const demo = await startDemo(name as DemoName, { port: Number(options.port) });
  process.stdout.write(`demo ${name} listening on ${demo.url} (pid ${demo.pid}); Ctrl-C to stop\n`);
  for (const [service, url] of Object.entries(demo.services)) process.stdout.write(`  ${service.padEnd(10)} ${url}\n`);
  // The launcher unrefs the child so a run never waits on it; here waiting is the point.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await demo.stop();
  return ExitCode.Pass;
}

export function registerDemo(program: Command, setExit: SetExit): void {
  program
    .command('demo')
    // The command list names the demos; `demo --help` says what each one is.
    .summary(`start an embedded demo system alone (${demoNames().join(', ')})`)
    .description(
      `start an embedded demo system alone:\n${demoNames()
        .map((n) => `  ${n.padEnd(14)} ${DEMOS[n].description}`)
        .join('\n')}`,
    )
    .addArgument(program.createArgument('<name>', 'demo name').choices(demoNames()))
    .addOption(new Option('--port <port>', 'port on 127.0.0.1').default('3000'))
    .action(async (name: string, options: { port: string }) => setExit(await demoCommand(name, options)));
}
