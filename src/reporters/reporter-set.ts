import type { RunResult } from '../result/run-result.js';
import type { LiveUpdate, Reporter, RunStart } from './reporter.js';

interface Member {
  reporter: Reporter;
  /** The member's outstanding onInterval promises, awaited in delivery order. */
  tail: Promise<void>;
  failed: boolean;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The reporters of one run behind one front. Every hook is awaited, but onInterval without holding up the load
 * loop: each update is handed over at once, in order (its raw interval is valid only then), and the promise it
 * returns joins the reporter's chain, which is awaited before onEnd. A reporter whose hook throws or rejects is
 * reported once, as a warning naming it, and skipped from then on; the run goes on.
 */
export class ReporterSet {
  private readonly members: Member[];

  constructor(
    reporters: readonly Reporter[],
    private readonly warn: (line: string) => void,
  ) {
    this.members = reporters.map((reporter) => ({ reporter, tail: Promise.resolve(), failed: false }));
  }

  async start(start: RunStart): Promise<void> {
    for (const m of this.live()) await this.guard(m, () => m.reporter.onStart?.(start));
  }

  /** Synchronous: the load loop never waits for a reporter. */
  interval(update: LiveUpdate): void {
    for (const m of this.live()) {
      let pending: ReturnType<NonNullable<Reporter['onInterval']>>;
      try {
        pending = m.reporter.onInterval?.(update);
      } catch (err) {
        this.fail(m, err);
        continue;
      }
      if (!(pending instanceof Promise)) continue;
      // Handled at once, so a rejection waiting behind a slow predecessor is never an unhandled one.
      const outcome = pending.then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      m.tail = m.tail.then(async () => {
        const failure = await outcome;
        if (failure !== undefined) this.fail(m, failure.err);
      });
    }
  }

  /** Waits for every interval still being handled, then hands each reporter the result. */
  async end(result: RunResult): Promise<void> {
    await Promise.all(this.members.map((m) => m.tail));
    for (const m of this.live()) await this.guard(m, () => m.reporter.onEnd(result));
  }

  private live(): Member[] {
    return this.members.filter((m) => !m.failed);
  }

  private async guard(m: Member, hook: () => unknown): Promise<void> {
    if (m.failed) return;
    try {
      await hook();
    } catch (err) {
      this.fail(m, err);
    }
  }

  private fail(m: Member, err: unknown): void {
    if (m.failed) return;
    m.failed = true;
    const name = m.reporter.name ?? 'an output';
    this.warn(`backend-bench: warning: output ${name} failed (${message(err)}); the run goes on without it`);
  }
}
