import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { applyFlags } from './run-options.js';

describe('applyFlags on a flow scenario', () => {
  const data = {
    services: { a: 'http://127.0.0.1:1' },
    flows: [
      {
        name: 'f',
        steps: [
          { service: 'a', headers: { x: '1' } },
          { service: 'a', method: 'POST' },
        ],
      },
    ],
  };

  it('adds --header to every step and --timeout to the target, leaving the file untouched', () => {
    const out = applyFlags(data, { header: ['Authorization: Bearer t'], timeout: '2s' }) as typeof data & {
      target: unknown;
      flows: { steps: { headers: Record<string, string> }[] }[];
    };
    expect(out.flows[0]?.steps.map((s) => s.headers)).toEqual([
      { x: '1', Authorization: 'Bearer t' },
      { Authorization: 'Bearer t' },
    ]);
    expect(out.target).toEqual({ timeout: '2s' });
    expect(data.flows[0]?.steps[1]).toEqual({ service: 'a', method: 'POST' });
  });

  it('refuses --method and --body, which a flow sets per step', () => {
    expect(() => applyFlags(data, { method: 'PUT' })).toThrow(InputError);
    expect(() => applyFlags(data, { body: '{}' })).toThrow(/--method and --body apply to requests/);
  });
});
