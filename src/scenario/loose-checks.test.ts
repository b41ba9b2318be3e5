import { describe, expect, it } from 'vitest';
import { looseProblems, unquotedSloHint } from './loose-checks.js';

describe('looseProblems', () => {
  it('checks templates and SLOs of raw data, wherever they are, with their paths', () => {
    const problems = looseProblems({
      load: { rate: 'fast' },
      requests: [{ path: '/{{sequ}}', json: { a: ['{{randomString 0}}'] } }, 'not a request'],
      flows: [{ steps: [{ headers: { x: '{{nope' } }] }],
      events: { queues: [{ key: '{{uuid 1}}' }] },
      slos: ['p96 < 1s', { expr: 'p95 < 1s' }, { 'list-users': 'p95 < 1s' }],
    });
    expect(problems.map((p) => p.path.join('.'))).toEqual([
      'requests.0.path',
      'requests.0.json.a.0',
      'flows.0.steps.0.headers.x',
      'events.queues.0.key',
      'slos.0',
    ]);
  });
});

describe('looseProblems: SLO scopes', () => {
  it('names an unknown request of a plain HTTP scenario, default names included', () => {
    const problems = looseProblems({
      load: { rate: 'fast' },
      requests: [
        { name: 'list', path: '/users' },
        { method: 'post', path: '/users/42?token=x' },
      ],
      slos: ['p95 < 1s', 'list: p95 < 1s', 'lst: p95 < 1s'],
    });
    expect(problems).toEqual([
      { path: ['slos', 2], message: 'slo "lst: p95 < 1s": no request named "lst" (known: list, POST /users/:id)' },
    ]);
  });

  it('leaves the scopes of other workloads, and of unreadable requests, to the planner', () => {
    const slos = ['nope: p95 < 1s'];
    expect(looseProblems({ requests: [{ call: 'shop.Inventory/GetItem' }], slos })).toEqual([]);
    expect(looseProblems({ flows: [], requests: [{ path: '/' }], slos })).toEqual([]);
    expect(looseProblems({ requests: [{ path: 42 }], slos })).toEqual([]);
  });
});

describe('unquotedSloHint', () => {
  it('tells to quote a one-key mapping that YAML made of a scoped SLO', () => {
    expect(unquotedSloHint({ 'list-users': 'p95 < 200ms' })).toMatch(/^quote it: write "list-users: p95 < 200ms"/);
    expect(unquotedSloHint({ expr: 'p95 < 1s', x: 1 })).toBeUndefined();
    expect(unquotedSloHint('p95 < 1s')).toBeUndefined();
  });
});
