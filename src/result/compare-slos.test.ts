import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { formatCompare, formatCompareMarkdown } from '../reporters/compare-table.js';
import type { SloVerdict } from '../slo/evaluate.js';
import { sloChanges } from './compare-slos.js';
import type { RunResult } from './run-result.js';

const UNITS = { p95: 'ms', error_rate: 'ratio', rps: 'rps' } as const;

const verdict = (expr: string, value: number, pass: boolean, reason?: string): SloVerdict => ({
  expr,
  metric: expr.split(' ')[0] as keyof typeof UNITS,
  op: '<',
  threshold: 0,
  value,
  unit: UNITS[expr.split(' ')[0] as keyof typeof UNITS],
  samples: 6000,
  pass,
  ...(reason !== undefined && { reason }),
});

const withSlos = (slos: SloVerdict[]): RunResult => ({ slos }) as unknown as RunResult;

const WINDOWED = 'p95 < 100ms over 10s';
const BURN = 'error_rate < 0.1% burn 14.4x over 1m';

describe('compare: the SLOs of both runs', () => {
  const baseline = withSlos([
    verdict('p95 < 100ms', 12, true),
    verdict(WINDOWED, 40, true, 'worst 10 s window 3–12 s; 51 windows judged'),
    verdict('rps >= 50', 100, true),
  ]);
  const current = withSlos([
    verdict('p95 < 100ms', 14, true),
    verdict(WINDOWED, 612, false, 'worst 10 s window 21–30 s; 51 windows judged'),
    verdict(BURN, 0.0167, false, 'worst 60 s window 1–60 s: burn 16.7x (limit 14.4x)'),
  ]);

  it("pairs each SLO with the baseline's verdict, windowed and burn-rate ones with their worst window", () => {
    const changes = sloChanges(baseline, current);
    expect(changes.map((s) => [s.expr, s.baseline?.pass, s.current?.pass])).toEqual([
      ['p95 < 100ms', true, true],
      [WINDOWED, true, false],
      [BURN, undefined, false],
      ['rps >= 50', true, undefined],
    ]);
  });

  it('shows them in the terminal and Markdown, without gating', () => {
    const changes = sloChanges(baseline, current);
    const text = formatCompare([], new Chalk({ level: 0 }), [], changes);
    expect(text).toMatch(/p95 < 100ms over 10s +✓ 40\.0 ms +✗ 612 ms +worst 10 s window 21–30 s/);
    expect(text).toMatch(/error_rate < 0\.1% burn 14\.4x over 1m +— +✗ 1\.67% +worst 60 s window 1–60 s: burn 16\.7x/);
    expect(text).toMatch(/rps >= 50 +✓ 100\/s +— +baseline only/);
    expect(text).toContain('PASS  no regression beyond budget');
    const md = formatCompareMarkdown([], [], changes);
    expect(md).toContain(
      '| `p95 < 100ms over 10s` | ✅ 40.0 ms | ❌ 612 ms | worst 10 s window 21–30 s; 51 windows judged |',
    );
    expect(md).toContain('✅ **no regression beyond budget**');
  });

  it('adds nothing for runs without SLOs', () => {
    expect(sloChanges(withSlos([]), withSlos([]))).toEqual([]);
    expect(formatCompare([], new Chalk({ level: 0 }), [], [])).not.toContain('SLOs');
  });
});
