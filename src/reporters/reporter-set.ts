import { setTimeout as delay } from 'node:timers/promises';
import type { RunResult } from '../result/run-result.js';
import { END_DELIVERY_MS } from './live-outputs.js';
import type { OutputWarnings } from './output-warnings.js';
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
 * an output warning, once, naming it, and is skipped from then on; the run goes on.
 */
export class ReporterSet {
  private readonly members: Member[];

  constructor(
    reporters: readonly Reporter[],
    private readonly warnings: OutputWarnings,
    private readonly deliveryMs = END_DELIVERY_MS,
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

  /**
   * Waits for every interval still being handled, lets the exporters deliver (bounded), then hands each reporter
   * the result, with the outputs' warnings in it. Returns that result.
   */
  async end(result: RunResult): Promise<RunResult> {
    await Promise.all(this.members.map((m) => m.tail));
    await this.deliver(result);
    const lines = this.warnings.lines();
    const final = lines.length > 0 ? { ...result, warnings: lines } : result;
    for (const m of this.live()) await this.guard(m, () => m.reporter.onEnd(final));
    return final;
  }

  /** Every delivery at once; one still going after the bound is a warning, and the run reports without it. */
  private async deliver(result: RunResult): Promise<void> {
    const delivering = this.live().filter((m) => m.reporter.deliver !== undefined);
    if (delivering.length === 0) return;
    const done = new Set<Member>();
    const all = Promise.all(
      delivering.map(async (m) => {
        await this.guard(m, () => m.reporter.deliver?.(result));
        done.add(m);
      }),
    );
    const bound = new AbortController();
    await Promise.race([all, delay(this.deliveryMs, undefined, { signal: bound.signal }).catch(() => undefined)]);
    bound.abort();
    for (const m of delivering) {
      if (!done.has(m)) this.warnings.add(nameOf(m), `did not finish within ${this.deliveryMs / 1000} s at the end`);
    }
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
    this.warnings.add(nameOf(m), `failed (${message(err)}); the run goes on without it`);
  }
}

const nameOf = (m: Member): string => m.reporter.name ?? 'an output';
