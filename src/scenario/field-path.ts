/** Formats a field path the way users write it: requests[0].path, load.stages[2].rate */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Orders "file:line:col ..." messages as they appear in the file; unlocated ones keep their order, last. */
export function byPosition(a: string, b: string): number {
  const pos = (m: string): number => {
    const match = /:(\d+):(\d+) /.exec(m);
    return match ? Number(match[1]) * 10_000 + Number(match[2]) : Number.MAX_SAFE_INTEGER;
  };
  return pos(a) - pos(b);
}
