import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEPRECATED_FORMATS,
  endOfRunOutputs,
  OUTPUTS,
  type ReportFormat,
  reportFormatOf,
  reportFormats,
} from './registry.js';

describe('output registry', () => {
  it('derives the outputs of merge and the formats of report from the capability flags', () => {
    expect(endOfRunOutputs()).toEqual(['json', 'junit', 'markdown', 'html']);
    expect(reportFormats()).toEqual(['json', 'junit', 'markdown', 'html']);
    expectTypeOf<ReportFormat>().toEqualTypeOf<'json' | 'junit' | 'markdown' | 'html'>();
    for (const def of Object.values(OUTPUTS)) expect(def.live && def.endOfRun).toBe(false);
  });

  it('resolves a format by its one name, and the old md as markdown', () => {
    expect(reportFormatOf('markdown')).toBe('markdown');
    expect(reportFormatOf('md')).toBe('markdown');
    expect(reportFormatOf('prometheus')).toBeUndefined();
    expect(reportFormatOf('toString')).toBeUndefined();
    expect(DEPRECATED_FORMATS).toEqual({ md: 'markdown' });
  });

  it('gives every flag to exactly one output', () => {
    const flags = Object.values(OUTPUTS).flatMap((d) => d.options.map(([f]) => f.split(/[ ,]/)[0]));
    expect(new Set(flags).size).toBe(flags.length);
  });
});
