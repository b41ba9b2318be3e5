import { describe, expect, it } from 'vitest';
import { ExitCode, RunError } from '../errors.js';
import { checkStrictOutputs, OutputWarnings } from './output-warnings.js';

describe('output warnings', () => {
  it('keep one line per failing output, printed once, with how often it failed', () => {
    const printed: string[] = [];
    const w = new OutputWarnings((line) => printed.push(line));
    w.add('otlp', 'export to http://127.0.0.1:1/v1/metrics failed: ECONNREFUSED');
    w.add('otlp', 'export to http://127.0.0.1:1/v1/metrics failed: ECONNREFUSED');
    w.add('otlp', 'export failed: timeout');
    w.add('pushgateway', 'push to http://127.0.0.1:2 failed: ECONNREFUSED');
    expect(w.lines()).toEqual([
      'otlp: export to http://127.0.0.1:1/v1/metrics failed: ECONNREFUSED (failed 3 times)',
      'pushgateway: push to http://127.0.0.1:2 failed: ECONNREFUSED',
    ]);
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^backend-bench: warning: otlp: /);
  });

  it('fail the command (exit 3) only with --strict-outputs, and only when an output failed', () => {
    expect(() => checkStrictOutputs(['otlp: x'], undefined)).not.toThrow();
    expect(() => checkStrictOutputs([], true)).not.toThrow();
    expect(() => checkStrictOutputs(undefined, true)).not.toThrow();
    let thrown: unknown;
    try {
      checkStrictOutputs(['otlp: x', 'pushgateway: y'], true);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RunError);
    expect((thrown as RunError).exitCode).toBe(ExitCode.RunFailed);
    expect((thrown as RunError).message).toBe('--strict-outputs: an output failed: otlp: x (and 1 more)');
  });
});
