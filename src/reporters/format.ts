/** Number formatting shared by the text reporters; pure. */
export function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/**
 * A duration with its unit, for text outside an "ms" column: "2.35 ms", "850 ms", "11.5s" (fmtMs switches to
 * seconds at 10 s and says so itself, so " ms" must not be appended to it).
 */
export function fmtMsUnit(ms: number): string {
  return ms >= 10_000 ? fmtMs(ms) : `${fmtMs(ms)} ms`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtRate(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

export function fmtPercent(fraction: number): string {
  const p = fraction * 100;
  return p === 0 ? '0%' : p < 0.01 ? '<0.01%' : `${p.toFixed(2)}%`;
}

/** A verdict's measured value in the unit its SLO was written in. */
export function fmtSloValue(value: number | null, unit: 'ms' | 'ratio' | 'rps' | 'count'): string {
  if (value === null) return 'n/a';
  switch (unit) {
    case 'ms':
      return fmtMsUnit(value);
    case 'ratio':
      return fmtPercent(value);
    case 'rps':
      return `${fmtRate(value)}/s`;
    case 'count':
      return fmtCount(value);
  }
}

/** ", 12 requests unfinished" when a stopped run left requests unanswered (a result from before the kind: none). */
export function fmtUnfinished(errorsByKind: Partial<Record<'unfinished', number>>): string {
  const n = errorsByKind.unfinished ?? 0;
  return n > 0 ? `, ${fmtCount(n)} request${n === 1 ? '' : 's'} unfinished` : '';
}
