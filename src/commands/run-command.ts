import type { Command } from 'commander';
import type { RunCliOptions } from './run-cli.js';
import { STRICT_OUTPUTS_OPTION } from '../reporters/registry.js';
import { addOutputOptions, addScenarioInput, collect, type SetExit } from './registration.js';

/** `run`: its load flags, then every output's flags from the output registry. */
export function registerRun(program: Command, setExit: SetExit): void {
  const run = addScenarioInput(program.command('run').description('run a scenario file, or an ad-hoc test with --url'))
    .option('--proto <file>', 'gRPC: .proto file defining the method of a grpc:// --url (repeatable)', collect)
    .option('--data <json>', 'gRPC: the request message, as JSON')
    .option('--message <text>', 'ws:// or wss:// target: the message each session sends, one round trip at a time')
    .option('--rate <n>', 'open model: requests started per second')
    .option('--connections <n>', 'closed model: concurrent keep-alive connections')
    .option('--duration <d>', 'how long to run, e.g. 30s, 2m')
    .option('--timeout <d>', 'per-request timeout (default 10s)')
    .option('--max-in-flight <n>', 'open model: cap on requests in flight')
    .option('--insecure', 'accept any TLS certificate (self-signed, expired, wrong name)')
    .option('--ca <file>', 'PEM file of CA certificates to trust (instead of the public CAs)')
    .option('--cert <file>', 'PEM client certificate for mutual TLS (with --key)')
    .option('--key <file>', 'PEM private key of --cert')
    .option('--http2', 'HTTP/2: ALPN h2 over TLS, prior-knowledge h2c over cleartext')
    .option('--streams <n>', 'HTTP/2 closed model: concurrent streams per connection')
    .option('--proxy <url>', 'forward proxy, e.g. http://user:pass@proxy:3128 (default: HTTPS_PROXY / HTTP_PROXY)')
    .option('--slo <expr>', "SLO, e.g. 'p95 < 200ms' (repeatable; replaces the scenario's)", collect)
    .option('--no-default-slos', 'without SLOs, judge the run on none (default budget: p95 < 200ms, error_rate < 1%)')
    .option('-q, --quiet', 'no live progress, only the summary')
    .option(
      '--workers <n>',
      'worker threads generating load (default: one per core, less one for a local target; event runs: one)',
    )
    .option('--shard <i/n>', 'run shard i of n of the load (e.g. 2/4); merge the shard results with `merge`')
    .option(
      '--start-at <time>',
      'begin the load at this ISO time (e.g. 2026-11-30T12:00:00Z), so shards start together',
    );
  addOutputOptions(run);
  run.option(...STRICT_OUTPUTS_OPTION);
  run.action(async (file: string | undefined, options: RunCliOptions) => {
    const { runCommand } = await import('./run-cli.js');
    setExit(await runCommand(file, options));
  });
}
