import { describe, expect, it } from 'vitest';
import type { RunResult } from '../result/run-result.js';
import { chartData } from './html.js';
import { timeseriesPoint as point } from '../../test/support/result-fixtures.js';

const throughputOf = (result: Partial<RunResult>): { label: string; values: (number | null)[] }[] =>
  chartData(result as RunResult).charts[0]?.series ?? [];

describe('HTML report chart data', () => {
  it('draws the target as scheduled: the zero set once the schedule is over is not plotted', () => {
    const timeseries = [point(1, 38, 40), point(2, 40, 40), point(3, 40, 40), point(4, 41, 0)];
    const [achieved, target] = throughputOf({ model: 'open', timeseries });
    expect(achieved?.values).toEqual([38, 40, 40, 41]);
    expect(target).toEqual({ label: 'target rps', values: [40, 40, 40, null] });
  });

  it('keeps zeros the schedule asked for before its end (a ramp from 0, a pause between stages)', () => {
    const timeseries = [
      point(1, 0, 0),
      point(2, 5, 10),
      point(3, 0, 0),
      point(4, 20, 20),
      point(5, 3, 0),
      point(6, 1, 0),
    ];
    const [, target] = throughputOf({ model: 'open', timeseries });
    expect(target?.values).toEqual([0, 10, 0, 20, null, null]);
  });

  it('has no target line in the closed model', () => {
    expect(throughputOf({ model: 'closed', timeseries: [point(1, 10, 0)] }).map((s) => s.label)).toEqual([
      'achieved rps',
    ]);
  });
});
