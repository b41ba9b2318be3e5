const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(us|ms|s|m|h)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$/;

/**
 * Parses "500ms", "10s", "1m30s", "0.5s" (or a bare number of seconds) into milliseconds.
 * Returns undefined for anything else so callers can report the field that was wrong.
 */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input * 1000 : undefined;
  const text = input.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!WHOLE.test(text)) return undefined;
  let ms = 0;
  for (const [, value, unit] of text.matchAll(PART)) ms += Number(value) * (UNIT_MS[unit ?? 's'] ?? 0);
  return ms;
}

/** "1m 30s", "5s", "250ms": the short human form used in terminal output. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return m > 0 ? (s > 0 ? `${m}m${s}s` : `${m}m`) : `${s}s`;
}
