import { ExitCode } from '../errors.js';

/** How a signal stops a run: which one came first decides the exit code (SIGINT 130, SIGTERM 143). */
export interface Interrupt {
  /** The first signal: the run stops, drains briefly, and its result is written. */
  signal: AbortSignal;
  /** The second: the drain is not waited for; what the result already holds is written at once. */
  hurry: AbortSignal;
  exitCode(): ExitCode | undefined;
  dispose(): void;
}

/**
 * Ctrl-C or SIGTERM: the first stops gracefully (saying `stopping`); a second writes what is held at once; a third
 * quits outright. Work with nothing to hurry (a capacity search between steps) quits on the second.
 */
export function interruptSignal(
  stopping = 'stopping… (Ctrl-C again to write the result at once)',
  canHurry = true,
): Interrupt {
  const stop = new AbortController();
  const hurry = new AbortController();
  let code: ExitCode | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (hurry.signal.aborted || (!canHurry && stop.signal.aborted)) process.exit(code ?? ExitCode.Interrupted);
    if (stop.signal.aborted) {
      process.stderr.write('\nwriting the result as it stands… (again to quit at once)\n');
      return hurry.abort();
    }
    code = name === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    process.stderr.write(`\n${stopping}\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    hurry: hurry.signal,
    exitCode: () => code,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
