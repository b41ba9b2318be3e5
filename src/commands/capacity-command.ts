import type { Command } from 'commander';
import type { CapacityFlags } from './capacity-options.js';
import { addOutputOptions, addScenarioInput, collect, type SetExit } from './registration.js';

/** `backend-bench capacity`: registered here so cli.ts names it in one line; the search loads only when run. */
export function registerCapacity(program: Command, setExit: SetExit): void {
  const capacity = addScenarioInput(
    program
      .command('capacity')
      .description(
        'find the highest open-model rate at which every SLO holds (requests, flow iterations or messages/s)',
      ),
  )
    .option('--timeout <d>', 'per-request timeout (default 10s)')
    .option('--max-in-flight <n>', 'cap on requests in flight; starts beyond it are dropped and fail the step')
    .option('--slo <expr>', "SLO to hold, e.g. 'p95 < 100ms' (repeatable; replaces the scenario's)", collect)
    .option('--start <rate>', 'first rate held, per second (default 10)')
    .option('--max <rate>', 'highest rate tried (default 100000)')
    .option('--precision <pct>', 'stop when the bracket is this narrow, relative to its top (default 5%)')
    .option('--step-duration <d>', 'how long each rate is held and judged, after the warm-up (default 10s)')
    .option('--warmup <d>', 'unjudged time at the start of each step (default 3s)')
    .option('--max-duration <d>', 'no new step starts after this long (default 15m)')
    .option(
      '--lag-tolerance <pct>',
      'events: lag may grow by this share of the messages published in a step (default 2%)',
    )
    .option('--min <rate>', 'exit 1 when the capacity found is below this rate (CI gate)')
    .option('--workers <n>', 'worker threads generating load (request scenarios)')
    .option('--out <file>', 'write the JSON result (the run at the capacity, with a capacity section)')
    .option('--html <file>', 'write an HTML page with the latency-against-rate curve')
    .option('-q, --quiet', 'no line per step, only the summary');
  // The live exporters follow the whole search as one run (the target rate steps up); files are the search's own.
  addOutputOptions(capacity, ['prometheus', 'otlp']);
  capacity.action(async (file: string | undefined, options: CapacityFlags) => {
    const [{ capacityCommand }, { interruptSignal }] = await Promise.all([
      import('./capacity.js'),
      import('./interrupt.js'),
    ]);
    const interrupt = interruptSignal('stopping… the capacity found so far is kept (Ctrl-C again to quit)', false);
    try {
      const io = { out: process.stdout, err: process.stderr, signal: interrupt.signal, env: process.env };
      setExit(await capacityCommand(file, options, io));
    } finally {
      interrupt.dispose();
    }
  });
}
