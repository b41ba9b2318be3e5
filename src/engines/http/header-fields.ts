/**
 * Reading the few response header fields that govern an HTTP/1.1 connection (RFC 9112 §5–§9) straight from the
 * socket's bytes, with no string built in the common case. Used by ResponseParser.
 */

export const SP = 32;
export const HTAB = 9;

/** tchar (RFC 9110 §5.6.2): the bytes a field name may contain. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;

export const isSpace = (c: number): boolean => c === SP || c === HTAB;

/** Whether buf[start, end) is a non-empty token: a field name with no whitespace (before the colon or inside). */
export function isToken(buf: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (TCHAR[buf[i] as number] === 0) return false;
  return true;
}

/** True when buf[start, end) equals `lower` (lower-case ASCII), compared case-insensitively. */
export function nameIs(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = buf[start + i] as number;
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function trimmedValue(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end).trim().toLowerCase();
}

/** A Content-Length value (digits between optional spaces), read in place; -1 when malformed. */
export function lengthValue(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isSpace(buf[i] as number)) i++;
  let stop = end;
  while (stop > i && isSpace(buf[stop - 1] as number)) stop--;
  if (i === stop || stop - i > 15) return -1;
  let value = 0;
  for (; i < stop; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Whether a Connection value says close / keep-alive; the common single-token values are matched in place. */
export function connectionSays(buf: Buffer, start: number, end: number): 'close' | 'keep-alive' | undefined {
  let i = start;
  while (i < end && isSpace(buf[i] as number)) i++;
  let stop = end;
  while (stop > i && isSpace(buf[stop - 1] as number)) stop--;
  if (nameIs(buf, i, stop, 'keep-alive')) return 'keep-alive';
  if (nameIs(buf, i, stop, 'close')) return 'close';
  const tokens = trimmedValue(buf, i, stop)
    .split(',')
    .map((t) => t.trim());
  if (tokens.includes('close')) return 'close';
  return tokens.includes('keep-alive') ? 'keep-alive' : undefined;
}

/** Whether a Transfer-Encoding value ends in `chunked` (only then is the body chunked, RFC 9112 §6.3). */
export function chunkedLast(buf: Buffer, start: number, end: number): boolean {
  let stop = end;
  while (stop > start && isSpace(buf[stop - 1] as number)) stop--;
  if (!nameIs(buf, stop - 7, stop, 'chunked')) return false;
  const before = stop - 8;
  return before < start || isSpace(buf[before] as number) || buf[before] === 44; /* , */
}

/**
 * The `timeout` parameter of a Keep-Alive value ("timeout=5, max=100"), in seconds; -1 when absent. It is how
 * long the server keeps an idle connection open (RFC 2068 §19.7.1.1, still sent by Node, Apache and others).
 */
export function keepAliveTimeout(buf: Buffer, start: number, end: number): number {
  for (let i = start; i + 7 < end; i++) {
    const before = i === start ? SP : (buf[i - 1] as number);
    if (!(isSpace(before) || before === 44) || !nameIs(buf, i, i + 7, 'timeout')) continue;
    let j = i + 7;
    while (j < end && isSpace(buf[j] as number)) j++;
    if (buf[j] !== 61 /* = */) continue;
    j++;
    while (j < end && isSpace(buf[j] as number)) j++;
    let value = -1;
    for (; j < end && j - i < 20; j++) {
      const d = (buf[j] as number) - 48;
      if (d < 0 || d > 9) break;
      value = (value < 0 ? 0 : value * 10) + d;
    }
    return value;
  }
  return -1;
}
