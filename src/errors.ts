/**
 * Exit codes are part of the public contract (documented in the README); CI pipelines branch on them.
 */
export const ExitCode = {
  Pass: 0,
  SloFailed: 1,
  InvalidInput: 2,
  RunFailed: 3,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2. */
  Interrupted: 130,
  /** Stopped by SIGTERM (a CI job's cancel, `kubectl delete`): 128 + 15; the result is still written. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error we throw on purpose: carries the exit code, and a message fit for one terminal line. */
export class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, missing files, malformed scenarios: the user must fix their input (exit 2). */
export class InputError extends BenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.InvalidInput, options);
  }
}

/** A scenario with one or more problems; every problem is listed, each with file, line and field. */
export class ScenarioError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`);
  }
}

/** The run could not be carried out: unreachable target, demo that would not start (exit 3). */
export class RunError extends BenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.RunFailed, options);
  }
}
