/**
 * The window clause of an SLO: "p95 < 200ms over 30s" (every 30-second window of the run must hold) and
 * "error_rate < 1% burn 14.4x over 5m" (the error budget may not burn faster than 14.4× in any 5-minute window).
 *
 * Grammar (appended to the one in parse.ts):
 *   slo     := ... [window]
 *   window  := ['burn' number 'x'] 'over' duration     duration: 30s, 5m, 1m30s, 500ms, 1h
 *
 * A burn clause needs an upper bound on a ratio metric (error_rate < 1%): the budget is the threshold, and a
 * window fails when its error rate exceeds budget × burn. Windows read the whole run's per-second figures, so a
 * windowed SLO takes no scope and no event metric.
 */
import { parseDuration } from '../scenario/duration.js';
import type { SloMetricDef } from './parse.js';

export interface SloWindow {
  /** Window length in milliseconds (whole seconds: the per-second series is its grain). */
  ms: number;
  /** Burn-rate multiple of the error budget; absent for a plain windowed SLO. */
  burn?: number;
}

const WINDOW_RE = /\s+(?:burn\s+(\S+?)\s*x\s+)?over\s+(\S+)\s*$/i;

/** Splits "p95 < 200ms over 30s" into "p95 < 200ms" and its window; `fail` builds the caller's syntax error. */
export function splitWindow(text: string, fail: (problem: string) => Error): { core: string; window?: SloWindow } {
  const m = WINDOW_RE.exec(text);
  if (m === null) {
    if (/\s(over|burn)(\s|$)/i.test(text))
      throw fail(`malformed window in "${text}" (write "... over 30s" or "... burn 14.4x over 5m")`);
    return { core: text };
  }
  const [, burnText, durationText = ''] = m;
  const ms = parseDuration(durationText);
  if (ms === undefined || /^\d+(\.\d+)?$/.test(durationText)) {
    throw fail(`window "${durationText}" in "${text}" is not a duration (e.g. 30s, 5m, 1h)`);
  }
  if (ms < 1000 || ms % 1000 !== 0) throw fail(`window ${durationText} in "${text}": use whole seconds, 1s or more`);
  const window: SloWindow = { ms };
  if (burnText !== undefined) {
    const burn = Number(burnText);
    if (!Number.isFinite(burn) || burn <= 0)
      throw fail(`burn "${burnText}x" in "${text}": expected a positive multiple, e.g. 14.4x`);
    window.burn = burn;
  }
  return { core: text.slice(0, m.index), window };
}

/** What a window can read: the run's own request figures, unscoped; burn rates only on an upper-bounded ratio. */
export function checkWindow(
  t: { metric: string; op: string; scope?: unknown },
  def: SloMetricDef,
  window: SloWindow,
  expr: string,
): string | undefined {
  if (t.scope !== undefined) return `a window applies to the whole run's figures: drop the scope in "${expr}"`;
  if (def.why !== undefined) return `${t.metric} has no per-second series: a window cannot apply to it in "${expr}"`;
  if (window.burn !== undefined && (def.kind !== 'ratio' || (t.op !== '<' && t.op !== '<='))) {
    return `a burn rate needs an error budget, e.g. "error_rate < 1% burn 14.4x over 5m", not "${expr}"`;
  }
  return undefined;
}

const seconds = (ms: number): string => {
  const s = ms / 1000;
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
};

/** " over 30s", " burn 14.4x over 5m", or "" without a window: appended to the canonical expression. */
export function formatWindow(window: SloWindow | undefined): string {
  if (window === undefined) return '';
  return `${window.burn === undefined ? '' : ` burn ${window.burn}x`} over ${seconds(window.ms)}`;
}

/** Runs with a windowed SLO keep one latency histogram per second, so windows are judged exactly. */
export function hasWindowedSlo(slos: readonly { window?: SloWindow }[]): boolean {
  return slos.some((s) => s.window !== undefined);
}
