import { Chalk, type ChalkInstance } from 'chalk';
import type { RunResult } from '../result/run-result.js';
import { formatDuration } from '../scenario/duration.js';
import { fmtCount, fmtMsUnit, fmtRate } from './format.js';
import type { LiveUpdate, Reporter, RunStart } from './reporter.js';
import { formatSummary } from './terminal-summary.js';

/** Without a TTY (CI logs), a plain line this often instead of a redrawn one. */
const PLAIN_EVERY_MS = 5000;

export interface TerminalOptions {
  /** Progress goes here (stderr), so stdout stays clean for the summary. */
  progress: NodeJS.WriteStream;
  summary: NodeJS.WritableStream;
  color: boolean;
  quiet?: boolean;
}

/** Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function formatProgress(u: LiveUpdate, c: ChalkInstance): string {
  const own = u.sections?.find((s) => s.progressLine !== undefined);
  if (own?.progressLine !== undefined) return own.progressLine(u, c);
  const errors = u.totalErrors > 0 ? c.red(`${fmtCount(u.totalErrors)} err`) : '0 err';
  const parts = [
    `${formatDuration(u.elapsedMs)}/${formatDuration(u.durationMs)}`,
    `${fmtRate(u.point.rps)} rps`,
    `p95 ${fmtMsUnit(u.point.p95)}`,
    errors,
    `${fmtCount(u.totalRequests)} req`,
  ];
  if (u.point.targetRate > 0) parts.splice(2, 0, c.dim(`target ${fmtRate(u.point.targetRate)}`));
  if (u.totalDropped > 0) parts.push(c.yellow(`${fmtCount(u.totalDropped)} dropped`));
  if (u.point.inFlight > 0) parts.push(c.dim(`${u.point.inFlight} in flight`));
  return parts.join('  ');
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'='.repeat(filled)}${' '.repeat(width - filled)}]`;
}

export class TerminalReporter implements Reporter {
  readonly name = 'terminal';
  private readonly c: ChalkInstance;
  private lastPlainAt = 0;
  private live = false;

  constructor(private readonly options: TerminalOptions) {
    this.c = new Chalk({ level: options.color ? 1 : 0 });
  }

  onStart(start: RunStart): void {
    if (this.options.quiet) return;
    const slos = start.sloCount > 0 ? `, ${start.sloCount} SLOs` : '';
    this.options.progress.write(
      `${this.c.bold('backend-bench')} ${start.scenario} → ${start.target} · ${start.model} model · ` +
        `${formatDuration(start.durationMs)} · ${start.requests.length} ${start.scopeNoun ?? 'request'}${start.requests.length === 1 ? '' : 's'}${slos}\n`,
    );
  }

  onInterval(update: LiveUpdate): void {
    if (this.options.quiet) return;
    const line = formatProgress(update, this.c);
    if (this.options.progress.isTTY) {
      const width = Math.max(10, Math.min(30, (this.options.progress.columns ?? 100) - 90));
      this.options.progress.write(`\r\x1b[K${bar(update.elapsedMs / update.durationMs, width)} ${line}`);
      this.live = true;
    } else if (update.elapsedMs - this.lastPlainAt >= PLAIN_EVERY_MS) {
      this.lastPlainAt = update.elapsedMs;
      this.options.progress.write(`${line}\n`);
    }
  }

  onEnd(result: RunResult): void {
    if (this.live) this.options.progress.write('\r\x1b[K');
    this.options.summary.write(formatSummary(result, this.c));
  }
}
